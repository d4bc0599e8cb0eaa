"""The demo company's staff: four sales teams and the people around them."""

from __future__ import annotations

from dataclasses import dataclass

# The one password every demo account signs in with.
DEMO_PASSWORD = "rapport-demo"

# (key, team name)
TEAMS = [
    ("east", "华东 East China"),
    ("south", "华南 South China"),
    ("north", "华北 North China"),
    ("intl", "International"),
]


@dataclass(frozen=True)
class Person:
    """One demo account: who it is, its role and team, and its share of accounts."""

    username: str
    display_name: str
    first_name: str
    last_name: str
    role: str
    team: str | None
    language: str = "zh-hans"
    # Relative share of the team's new customers and leads this person owns.
    sells: float = 0.0
    manages: bool = False

    @property
    def overloaded(self) -> bool:
        """Carries about twice a normal share: more open deals than one can follow."""
        return self.sells >= 2.0


PEOPLE = [
    Person(
        "zhou.min", "周敏", "敏", "周", "sales_manager", "east", sells=0.5, manages=True
    ),
    Person("li.na", "李娜", "娜", "李", "sales_rep", "east", sells=1.0),
    Person("wang.qiang", "王强", "强", "王", "sales_rep", "east", sells=2.2),
    Person("chen.jie", "陈杰", "杰", "陈", "sales_rep", "east", sells=1.0),
    Person("xu.tao", "徐涛", "涛", "徐", "project_manager", "east"),
    Person(
        "liang.hui",
        "梁辉",
        "辉",
        "梁",
        "sales_manager",
        "south",
        sells=0.5,
        manages=True,
    ),
    Person("huang.ting", "黄婷", "婷", "黄", "sales_rep", "south", sells=1.0),
    Person("lin.kai", "林凯", "凯", "林", "sales_rep", "south", sells=2.2),
    Person("he.jing", "何静", "静", "何", "sales_rep", "south", sells=1.0),
    Person("deng.li", "邓丽", "丽", "邓", "support", "south"),
    Person(
        "zhao.gang",
        "赵刚",
        "刚",
        "赵",
        "sales_manager",
        "north",
        sells=0.5,
        manages=True,
    ),
    Person("sun.yu", "孙宇", "宇", "孙", "sales_rep", "north", sells=1.0),
    Person("gao.peng", "高鹏", "鹏", "高", "sales_rep", "north", sells=2.2),
    Person("ma.lin", "马琳", "琳", "马", "sales_rep", "north", sells=1.0),
    Person("tian.bin", "田斌", "斌", "田", "project_manager", "north"),
    Person(
        "emma.clark",
        "Emma Clark",
        "Emma",
        "Clark",
        "sales_manager",
        "intl",
        language="en",
        sells=0.5,
        manages=True,
    ),
    Person(
        "david.tan",
        "David Tan",
        "David",
        "Tan",
        "sales_rep",
        "intl",
        language="en",
        sells=2.2,
    ),
    Person(
        "sophie.martin",
        "Sophie Martin",
        "Sophie",
        "Martin",
        "sales_rep",
        "intl",
        language="en",
        sells=1.0,
    ),
    Person("song.jianhua", "宋建华", "建华", "宋", "executive", None),
    Person("cai.yan", "蔡艳", "艳", "蔡", "finance", None),
    Person("admin", "系统管理员 Admin", "", "", "admin", None, language="en"),
]


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(role, username, name, team) of every demo account, in a readable order."""
    team_names = dict(TEAMS)
    order = [
        "admin",
        "executive",
        "sales_manager",
        "sales_rep",
        "project_manager",
        "finance",
        "support",
    ]
    teams = [key for key, _ in TEAMS]
    people = sorted(
        PEOPLE,
        key=lambda p: (order.index(p.role), teams.index(p.team) if p.team else -1),
    )
    return [
        (p.role, p.username, p.display_name, team_names.get(p.team or "", "-"))
        for p in people
    ]
