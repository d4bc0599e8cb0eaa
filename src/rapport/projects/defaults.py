"""The skills, calendar and project templates Rapport ships with, in both languages.

Plain data plus one installer that works on the real models and on the
historical models of a data migration alike, so the migration and
`services.ensure_default_templates()` write the same rows.
"""

from __future__ import annotations

from typing import Any

# code, English name, Chinese name
SKILLS = [
    ("project_management", "Project management", "项目管理"),
    ("solution_design", "Solution design", "方案设计"),
    ("development", "Software development", "软件开发"),
    ("integration", "System integration", "系统集成"),
    ("data_migration", "Data migration", "数据迁移"),
    ("testing", "Testing", "测试"),
    ("training", "Training", "培训"),
    ("site_engineering", "Site engineering", "现场工程"),
    ("consulting", "Business consulting", "业务咨询"),
    ("support", "Technical support", "技术支持"),
]

DEFAULT_CALENDAR = "China standard week"

# A task: (key, English, Chinese, working days, hours, skill, role, milestone)
# A dependency: (predecessor key, successor key, type, lag)
TEMPLATES: list[dict[str, Any]] = [
    {
        "code": "implementation",
        "project_type": "implementation",
        "name": "Software implementation",
        "name_zh": "软件实施",
        "phases": [
            (
                "Initiation",
                "启动",
                [
                    (
                        "kickoff",
                        "Kick-off meeting",
                        "项目启动会",
                        1,
                        8,
                        "project_management",
                        "project_manager",
                        False,
                    ),
                    (
                        "requirements",
                        "Requirements workshops",
                        "需求调研",
                        8,
                        96,
                        "consulting",
                        "consultant",
                        False,
                    ),
                ],
            ),
            (
                "Design",
                "设计",
                [
                    (
                        "design",
                        "Solution design",
                        "方案设计",
                        10,
                        120,
                        "solution_design",
                        "architect",
                        False,
                    ),
                    (
                        "design_signoff",
                        "Design signed off",
                        "方案确认",
                        0,
                        0,
                        "",
                        "",
                        True,
                    ),
                ],
            ),
            (
                "Build",
                "实施",
                [
                    (
                        "configure",
                        "Configuration",
                        "系统配置",
                        15,
                        200,
                        "development",
                        "engineer",
                        False,
                    ),
                    (
                        "integrate",
                        "Integrations",
                        "接口集成",
                        12,
                        150,
                        "integration",
                        "engineer",
                        False,
                    ),
                    (
                        "migrate",
                        "Data migration",
                        "数据迁移",
                        8,
                        90,
                        "data_migration",
                        "engineer",
                        False,
                    ),
                ],
            ),
            (
                "Go-live",
                "上线",
                [
                    (
                        "uat",
                        "User acceptance testing",
                        "用户验收测试",
                        8,
                        80,
                        "testing",
                        "tester",
                        False,
                    ),
                    (
                        "training",
                        "Key-user training",
                        "关键用户培训",
                        4,
                        40,
                        "training",
                        "consultant",
                        False,
                    ),
                    ("golive", "Go-live", "系统上线", 0, 0, "", "", True),
                ],
            ),
        ],
        "dependencies": [
            ("kickoff", "requirements", "FS", 0),
            ("requirements", "design", "FS", 0),
            ("design", "design_signoff", "FS", 0),
            ("design_signoff", "configure", "FS", 0),
            ("configure", "integrate", "SS", 5),
            ("design_signoff", "migrate", "FS", 5),
            ("configure", "uat", "FS", 0),
            ("integrate", "uat", "FS", 0),
            ("migrate", "uat", "FF", 0),
            ("uat", "training", "SS", 3),
            ("uat", "golive", "FS", 0),
            ("training", "golive", "FS", 0),
        ],
    },
    {
        "code": "consulting",
        "project_type": "consulting",
        "name": "Consulting engagement",
        "name_zh": "咨询项目",
        "phases": [
            (
                "Discovery",
                "调研",
                [
                    (
                        "kickoff",
                        "Kick-off meeting",
                        "项目启动会",
                        1,
                        8,
                        "project_management",
                        "project_manager",
                        False,
                    ),
                    (
                        "interviews",
                        "Stakeholder interviews",
                        "访谈调研",
                        6,
                        60,
                        "consulting",
                        "consultant",
                        False,
                    ),
                    (
                        "analysis",
                        "Current-state analysis",
                        "现状分析",
                        8,
                        80,
                        "consulting",
                        "consultant",
                        False,
                    ),
                ],
            ),
            (
                "Recommendations",
                "建议",
                [
                    (
                        "options",
                        "Options and business case",
                        "方案与商业论证",
                        8,
                        80,
                        "solution_design",
                        "architect",
                        False,
                    ),
                    (
                        "report",
                        "Final report",
                        "最终报告",
                        4,
                        40,
                        "consulting",
                        "consultant",
                        False,
                    ),
                    ("handover", "Report accepted", "报告验收", 0, 0, "", "", True),
                ],
            ),
        ],
        "dependencies": [
            ("kickoff", "interviews", "FS", 0),
            ("interviews", "analysis", "SS", 3),
            ("analysis", "options", "FS", 0),
            ("options", "report", "FS", 0),
            ("report", "handover", "FS", 2),
        ],
    },
    {
        "code": "support",
        "project_type": "support",
        "name": "Support onboarding",
        "name_zh": "运维支持接入",
        "phases": [
            (
                "Onboarding",
                "接入",
                [
                    (
                        "kickoff",
                        "Kick-off meeting",
                        "项目启动会",
                        1,
                        4,
                        "project_management",
                        "project_manager",
                        False,
                    ),
                    (
                        "inventory",
                        "System inventory",
                        "系统盘点",
                        5,
                        40,
                        "support",
                        "engineer",
                        False,
                    ),
                    (
                        "runbook",
                        "Runbooks and monitoring",
                        "运维手册与监控",
                        6,
                        48,
                        "support",
                        "engineer",
                        False,
                    ),
                    ("handover", "Service handover", "服务交接", 0, 0, "", "", True),
                ],
            ),
        ],
        "dependencies": [
            ("kickoff", "inventory", "FS", 0),
            ("inventory", "runbook", "FS", -2),
            ("runbook", "handover", "FS", 0),
        ],
    },
    {
        "code": "custom_development",
        "project_type": "custom_development",
        "name": "Custom development",
        "name_zh": "定制开发",
        "phases": [
            (
                "Specification",
                "需求规格",
                [
                    (
                        "kickoff",
                        "Kick-off meeting",
                        "项目启动会",
                        1,
                        8,
                        "project_management",
                        "project_manager",
                        False,
                    ),
                    (
                        "spec",
                        "Functional specification",
                        "功能规格说明",
                        10,
                        100,
                        "solution_design",
                        "architect",
                        False,
                    ),
                ],
            ),
            (
                "Development",
                "开发",
                [
                    (
                        "backend",
                        "Back end",
                        "后端开发",
                        20,
                        300,
                        "development",
                        "engineer",
                        False,
                    ),
                    (
                        "frontend",
                        "Front end",
                        "前端开发",
                        18,
                        260,
                        "development",
                        "engineer",
                        False,
                    ),
                    (
                        "integrate",
                        "Integration",
                        "集成联调",
                        6,
                        80,
                        "integration",
                        "engineer",
                        False,
                    ),
                ],
            ),
            (
                "Delivery",
                "交付",
                [
                    (
                        "testing",
                        "System testing",
                        "系统测试",
                        8,
                        100,
                        "testing",
                        "tester",
                        False,
                    ),
                    (
                        "acceptance",
                        "Customer acceptance",
                        "客户验收",
                        0,
                        0,
                        "",
                        "",
                        True,
                    ),
                ],
            ),
        ],
        "dependencies": [
            ("kickoff", "spec", "FS", 0),
            ("spec", "backend", "FS", 0),
            ("spec", "frontend", "FS", 3),
            ("backend", "integrate", "FF", 4),
            ("frontend", "integrate", "FS", 0),
            ("integrate", "testing", "FS", 0),
            ("testing", "acceptance", "FS", 0),
        ],
    },
    {
        "code": "construction",
        "project_type": "construction",
        "name": "Design, procurement and construction",
        "name_zh": "设计、采购与施工",
        "phases": [
            (
                "Design",
                "设计",
                [
                    (
                        "survey",
                        "Site survey",
                        "现场勘察",
                        5,
                        60,
                        "site_engineering",
                        "engineer",
                        False,
                    ),
                    (
                        "design",
                        "Detailed design",
                        "详细设计",
                        15,
                        200,
                        "solution_design",
                        "architect",
                        False,
                    ),
                ],
            ),
            (
                "Procurement",
                "采购",
                [
                    (
                        "procure",
                        "Procurement",
                        "设备采购",
                        20,
                        60,
                        "project_management",
                        "project_manager",
                        False,
                    ),
                ],
            ),
            (
                "Construction",
                "施工",
                [
                    (
                        "install",
                        "Installation",
                        "安装施工",
                        25,
                        400,
                        "site_engineering",
                        "engineer",
                        False,
                    ),
                    (
                        "commission",
                        "Commissioning",
                        "调试",
                        8,
                        100,
                        "integration",
                        "engineer",
                        False,
                    ),
                    (
                        "completion",
                        "Completion accepted",
                        "竣工验收",
                        0,
                        0,
                        "",
                        "",
                        True,
                    ),
                ],
            ),
        ],
        "dependencies": [
            ("survey", "design", "FS", 0),
            ("design", "procure", "SS", 8),
            ("procure", "install", "FS", 0),
            ("design", "install", "FS", 0),
            ("install", "commission", "FF", 5),
            ("commission", "completion", "FS", 0),
        ],
    },
]


def install(models: Any) -> dict[str, int]:
    """Create the shipped skills, calendar and templates that do not exist yet.

    `models(name)` returns the model class; pass `apps.get_model` bound to the
    projects app from a migration, or a lookup of the real models.
    """
    Skill = models("Skill")
    Calendar = models("Calendar")
    Template = models("ProjectTemplate")
    Phase = models("TemplatePhase")
    TaskRow = models("TemplateTask")
    Link = models("TemplateDependency")

    skills = {}
    for code, name, name_zh in SKILLS:
        skills[code], _created = Skill.objects.get_or_create(
            code=code, defaults={"name": name, "name_zh": name_zh}
        )
    if not Calendar.objects.filter(is_default=True).exists():
        Calendar.objects.get_or_create(
            name=DEFAULT_CALENDAR,
            defaults={"weekend": [5, 6], "china_holidays": True, "is_default": True},
        )

    created = 0
    for spec in TEMPLATES:
        if Template.objects.filter(code=spec["code"]).exists():
            continue
        template = Template.objects.create(
            code=spec["code"],
            project_type=spec["project_type"],
            name=spec["name"],
            name_zh=spec["name_zh"],
        )
        tasks = {}
        position = 0
        for index, (name, name_zh, rows) in enumerate(spec["phases"]):
            phase = Phase.objects.create(
                template=template, position=index, name=name, name_zh=name_zh
            )
            for key, t_name, t_zh, days, hours, skill, role, milestone in rows:
                position += 1
                tasks[key] = TaskRow.objects.create(
                    template=template,
                    phase=phase,
                    key=key,
                    position=position,
                    name=t_name,
                    name_zh=t_zh,
                    duration_days=days,
                    estimated_hours=hours,
                    skill=skills.get(skill),
                    role=role,
                    is_milestone=milestone,
                )
        for before, after, kind, lag in spec["dependencies"]:
            Link.objects.create(
                template=template,
                predecessor=tasks[before],
                successor=tasks[after],
                type=kind,
                lag=lag,
            )
        created += 1
    return {"templates": created}
