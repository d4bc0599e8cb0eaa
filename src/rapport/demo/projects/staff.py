"""The people who run and staff the demo projects: capacity, cost, skills, leave."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password

from rapport.accounts.models import User
from rapport.demo.people import DEMO_PASSWORD
from rapport.projects.models import Leave, ResourceProfile, Skill

if TYPE_CHECKING:
    from rapport.demo.projects.story import Planner

# username | team | cost per hour | role and language (new people only) | name
# The first person of each team is its project manager.
STAFF_TABLE = """
xu.tao      | east  | 420 |                         |
tian.bin    | north | 420 |                         |
luo.fei     | south | 400 | project_manager zh-hans | 罗飞
james.wu    | intl  | 520 | project_manager en      | James Wu
zhang.wei   | east  | 360 | support zh-hans         | 张伟
liu.yang    | east  | 280 | support zh-hans         | 刘洋
wu.lei      | east  | 310 | support zh-hans         | 吴磊
qian.li     | east  | 330 | support zh-hans         | 钱莉
guo.jun     | south | 340 | support zh-hans         | 郭军
he.ping     | south | 300 | support zh-hans         | 何平
feng.bo     | south | 300 | support zh-hans         | 冯波
deng.li     | south | 260 |                         |
yang.fan    | north | 350 | support zh-hans         | 杨帆
zhu.hong    | north | 290 | support zh-hans         | 朱红
cao.xue     | north | 320 | support zh-hans         | 曹雪
jin.hao     | north | 340 | support zh-hans         | 金浩
olivia.chen | intl  | 450 | support en              | Olivia Chen
ryan.lee    | intl  | 380 | support en              | Ryan Lee
mia.wong    | intl  | 420 | support en              | Mia Wong
tom.baker   | intl  | 400 | support en              | Tom Baker
"""
# What each person can do; the first listed is what they are best known for.
SKILLS = {
    "xu.tao": "project_management consulting",
    "tian.bin": "project_management consulting",
    "luo.fei": "project_management",
    "james.wu": "project_management",
    "zhang.wei": "development integration solution_design",
    "liu.yang": "data_migration testing training development",
    "wu.lei": "integration site_engineering testing consulting",
    "qian.li": "solution_design consulting training development",
    "guo.jun": "development testing integration solution_design",
    "he.ping": "consulting training data_migration support",
    "feng.bo": "site_engineering development data_migration",
    "deng.li": "support training",
    "yang.fan": "site_engineering integration solution_design development",
    "zhu.hong": "consulting training testing data_migration support",
    "cao.xue": "development testing data_migration integration",
    "jin.hao": "solution_design site_engineering training",
    "olivia.chen": "solution_design development consulting testing",
    "ryan.lee": "integration data_migration training support site_engineering",
    "mia.wong": "development testing site_engineering solution_design",
    "tom.baker": "consulting data_migration integration training",
}
STAFF = [
    [cell.strip() for cell in line.split("|")]
    for line in STAFF_TABLE.strip().splitlines()
]
# The accounts this step creates (the others come with the CRM demo).
NEW_PEOPLE = [row[0] for row in STAFF if row[3]]


def crew(team: str) -> list[str]:
    """The team's project people, its project manager first."""
    return [row[0] for row in STAFF if row[1] == team]


def hire(planner: Planner) -> None:
    """Create the missing accounts; give everyone a profile and some leave."""
    b = planner.b
    password = make_password(DEMO_PASSWORD)
    skills = {s.code: s for s in Skill.objects.all()}
    for username, team, rate, account, name in STAFF:
        codes = SKILLS[username]
        user = b.users.get(username)
        if user is None:
            role, language = account.split()
            user = User.objects.create(
                username=username,
                display_name=name,
                email=f"{username}@rapport-demo.cn",
                role=role,
                team=b.teams[team],
                language=language,
                password=password,
                date_joined=b.at(600),
            )
        planner.people[username] = user
        planner.skills[username] = set(codes.split())
        planner.rates[user.pk] = Decimal(rate)
        profile = ResourceProfile.objects.create(
            user=user, cost_rate=Decimal(rate), daily_capacity_hours=Decimal(8)
        )
        profile.skills.set([skills[c] for c in codes.split()])
        for _ in range(planner.rng.randint(1, 2)):
            first = b.at(planner.rng.uniform(10, 500)).date()
            planner.rows[Leave].append(
                {
                    "id": b.new_id(Leave),
                    **planner.stamp,
                    "user_id": user.pk,
                    "start_date": first,
                    "end_date": first + timedelta(days=planner.rng.randint(1, 4)),
                    "reason": "年假 annual leave",
                }
            )
