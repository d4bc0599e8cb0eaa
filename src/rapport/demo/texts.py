"""Subjects and bodies of demo activities, by tone and language.

Placeholders: {contact} a person, {company} a company's short name, {theme} what
the deal is about, {product} a product name, {days} a number of days.
Complaint subjects always start with "投诉" or "Complaint", so the tone can be
found again with a plain query.
"""

from __future__ import annotations

# (subject, body) per kind for the three tones, Chinese and English.
POSITIVE = {
    "zh": {
        "call": [
            (
                "电话沟通：{theme}进展顺利",
                "与{contact}通话，对方对{theme}的进度很满意，希望下月启动后续合作。",
            ),
            (
                "回访{company}：使用反馈良好",
                "{contact}表示{product}运行稳定，一线操作人员反馈界面好用。",
            ),
            ("电话确认验收时间", "{contact}确认下周安排验收，预计顺利通过。"),
        ],
        "meeting": [
            (
                "{company}季度业务回顾会",
                "回顾本季度合作成果，客户对交付质量评价很高，讨论了{theme}的扩展计划。",
            ),
            (
                "现场拜访：{theme}方案交流",
                "与{contact}及技术团队交流方案，"
                "对方认可我们的实施经验，希望尽快出报价。",
            ),
            ("高层会谈", "双方管理层会面，客户愿意将{company}其他工厂纳入规划。"),
        ],
        "email": [
            (
                "感谢信：{theme}上线成功",
                "{contact}来信感谢项目团队的支持，系统上线后效率提升明显。",
            ),
            (
                "邮件：确认采购意向",
                "{contact}邮件确认采购意向，请我们补充{product}的技术参数。",
            ),
        ],
        "note": [
            ("客户满意度高", "{company}对服务响应速度满意，可作为标杆案例。"),
            ("转介绍机会", "{contact}愿意把我们推荐给同行业的合作伙伴。"),
        ],
        "task": [
            ("准备{theme}扩展方案", "根据会议结论准备扩展方案和初步报价。"),
            ("安排客户案例采访", "与{contact}约时间做成功案例采访。"),
        ],
    },
    "en": {
        "call": [
            (
                "Call: {theme} on track",
                "Spoke with {contact}; they are pleased with "
                "progress on {theme} and want to plan the next phase.",
            ),
            (
                "Check-in with {company}: good feedback",
                "{contact} says {product} runs smoothly and operators like it.",
            ),
            (
                "Call to confirm acceptance date",
                "{contact} confirmed acceptance next week and expects no issues.",
            ),
        ],
        "meeting": [
            (
                "{company} quarterly business review",
                "Reviewed the quarter; the customer "
                "rated our delivery highly and discussed expanding {theme}.",
            ),
            (
                "On-site visit: {theme} workshop",
                "Workshop with {contact} and their "
                "engineers; they value our experience and asked for a quote.",
            ),
            (
                "Executive meeting",
                "Leaders met; {company} wants to add two more sites to the roadmap.",
            ),
        ],
        "email": [
            (
                "Thank-you note after go-live",
                "{contact} thanked the team; the new "
                "system already saves time every shift.",
            ),
            (
                "E-mail: purchase intent confirmed",
                "{contact} confirmed the intent to "
                "buy and asked for the {product} data sheet.",
            ),
        ],
        "note": [
            (
                "Very satisfied customer",
                "{company} is happy with our response times; a good reference account.",
            ),
            (
                "Referral opportunity",
                "{contact} offered to introduce us to a partner in the same industry.",
            ),
        ],
        "task": [
            (
                "Prepare {theme} expansion proposal",
                "Draft the expansion scope and a first price estimate.",
            ),
            (
                "Schedule case-study interview",
                "Find a date with {contact} for the customer story.",
            ),
        ],
    },
}

NEUTRAL = {
    "zh": {
        "call": [
            (
                "电话跟进：{theme}需求",
                "与{contact}沟通需求细节，对方需要内部讨论后再答复。",
            ),
            ("电话确认会议时间", "约{contact}下周二下午开会讨论{theme}。"),
            ("电话了解预算情况", "{contact}表示预算在审批中，预计{days}天内有结果。"),
        ],
        "meeting": [
            ("需求调研会", "到{company}调研现有流程，收集了{theme}的主要需求。"),
            ("方案评审会", "向{contact}团队讲解方案，对方提出若干问题需书面答复。"),
            ("商务谈判", "讨论付款方式和交付周期，价格仍需进一步沟通。"),
        ],
        "email": [
            ("发送{theme}方案", "已将方案和{product}资料发送给{contact}。"),
            ("邮件：会议纪要", "整理了上次会议纪要，抄送{contact}确认。"),
            ("发送报价单", "按要求发送报价单，有效期30天。"),
        ],
        "note": [
            ("客户组织架构", "{contact}负责技术评估，采购由另一部门决定。"),
            ("竞争情况", "客户同时在接触两家供应商，关注实施周期和售后。"),
        ],
        "task": [
            ("跟进{contact}的答复", "确认内部讨论结果，推进下一步。"),
            ("准备技术澄清材料", "整理客户提出的问题并给出书面答复。"),
            ("更新报价", "根据最新需求调整{product}数量并更新报价。"),
        ],
    },
    "en": {
        "call": [
            (
                "Follow-up call: {theme} requirements",
                "Went through requirements with "
                "{contact}; they will discuss internally and come back to us.",
            ),
            (
                "Call to set up a meeting",
                "Booked a meeting with {contact} next Tuesday about {theme}.",
            ),
            (
                "Budget check call",
                "{contact} says the budget is in approval, expected "
                "within {days} days.",
            ),
        ],
        "meeting": [
            (
                "Discovery workshop",
                "Mapped current processes at {company} and listed "
                "the main needs for {theme}.",
            ),
            (
                "Solution review",
                "Presented the proposal to {contact}'s team; a few "
                "questions need written answers.",
            ),
            (
                "Commercial negotiation",
                "Discussed payment terms and timeline; price still open.",
            ),
        ],
        "email": [
            (
                "Sent {theme} proposal",
                "Sent the proposal and {product} brochure to {contact}.",
            ),
            (
                "E-mail: meeting minutes",
                "Shared the minutes of our last meeting with "
                "{contact} for confirmation.",
            ),
            ("Quote sent", "Sent the quote as requested, valid for 30 days."),
        ],
        "note": [
            (
                "Buying committee",
                "{contact} leads the technical evaluation; "
                "procurement decides separately.",
            ),
            (
                "Competition",
                "They are also talking to two other vendors; delivery "
                "time and support matter most.",
            ),
        ],
        "task": [
            (
                "Follow up with {contact}",
                "Get the result of their internal review and agree next steps.",
            ),
            (
                "Prepare technical clarifications",
                "Answer the open questions in writing.",
            ),
            ("Update the quote", "Adjust {product} quantities to the new scope."),
        ],
    },
}

COMPLAINT = {
    "zh": {
        "call": [
            (
                "投诉：交付延迟",
                "{contact}来电投诉{theme}交付延迟，"
                "已经比计划晚了{days}天，对方非常不满意。",
            ),
            (
                "投诉：系统故障未及时处理",
                "{contact}反映{product}多次故障，售后响应太慢，影响生产。",
            ),
            ("投诉：现场工程师频繁更换", "客户抱怨驻场人员频繁更换，沟通成本高。"),
        ],
        "meeting": [
            (
                "投诉：项目问题专题会",
                "{company}管理层召集会议，对延期和质量问题表示强烈不满，"
                "要求提交整改计划。",
            ),
            ("投诉：验收未通过", "验收会上客户指出多项功能不达标，拒绝签字。"),
        ],
        "email": [
            (
                "投诉：发票和合同不一致",
                "{contact}邮件指出发票金额与合同不符，要求尽快更正。",
            ),
            (
                "投诉：多次催促无回复",
                "{contact}邮件表示已催促{days}天仍无人回复，考虑更换供应商。",
            ),
        ],
        "note": [
            (
                "投诉：客户考虑终止合作",
                "{contact}私下透露公司在评估竞争对手，对我们的服务很失望。",
            ),
            ("投诉：续约风险", "客户因交付问题对续约持保留态度。"),
        ],
        "task": [
            ("投诉：提交整改报告", "针对客户投诉，{days}天内提交整改报告。"),
            ("投诉：安排售后工程师上门", "尽快安排工程师现场排查{product}故障。"),
        ],
    },
    "en": {
        "call": [
            (
                "Complaint: late delivery",
                "{contact} called to complain that {theme} "
                "is {days} days late; they are very unhappy.",
            ),
            (
                "Complaint: outages not fixed",
                "{contact} reports repeated {product} "
                "failures and says support is far too slow.",
            ),
            (
                "Complaint: on-site staff keeps changing",
                "The customer is frustrated "
                "that on-site engineers change every few weeks.",
            ),
        ],
        "meeting": [
            (
                "Complaint: escalation meeting",
                "{company} management escalated delays "
                "and quality problems and demanded a recovery plan.",
            ),
            (
                "Complaint: acceptance failed",
                "At acceptance the customer listed "
                "several failing functions and refused to sign.",
            ),
        ],
        "email": [
            (
                "Complaint: invoice does not match contract",
                "{contact} wrote that the "
                "invoice amount differs from the contract and wants it fixed.",
            ),
            (
                "Complaint: no answer to reminders",
                "{contact} has chased us for {days} "
                "days without reply and is considering another vendor.",
            ),
        ],
        "note": [
            (
                "Complaint: customer may leave",
                "{contact} hinted they are evaluating a "
                "competitor and are disappointed with our service.",
            ),
            (
                "Complaint: renewal at risk",
                "Delivery problems make the renewal doubtful.",
            ),
        ],
        "task": [
            (
                "Complaint: send corrective action report",
                "Answer the complaint with "
                "a corrective action report within {days} days.",
            ),
            (
                "Complaint: send a service engineer",
                "Send an engineer on site to diagnose the {product} failures.",
            ),
        ],
    },
}

TONES = {"positive": POSITIVE, "neutral": NEUTRAL, "complaint": COMPLAINT}

# Activities on leads before they are qualified.
PROSPECTING = {
    "zh": [
        ("call", "首次电话联系", "介绍公司和{theme}解决方案，{contact}同意接收资料。"),
        ("email", "发送公司介绍", "向{contact}发送公司介绍和案例。"),
        ("call", "电话了解需求", "了解{contact}的项目背景和时间表。"),
        ("meeting", "初次拜访", "拜访{contact}，初步了解{theme}需求和预算。"),
        ("task", "跟进线索", "一周后再次联系{contact}确认意向。"),
        ("note", "线索背景", "来源渠道反馈对方正在规划{theme}。"),
    ],
    "en": [
        (
            "call",
            "First call",
            "Introduced us and our {theme} offering; {contact} "
            "agreed to receive material.",
        ),
        (
            "email",
            "Sent company introduction",
            "Sent our profile and two case studies to {contact}.",
        ),
        (
            "call",
            "Discovery call",
            "Learned about {contact}'s project background and timeline.",
        ),
        (
            "meeting",
            "First visit",
            "Met {contact}; first look at {theme} needs and budget.",
        ),
        (
            "task",
            "Follow up the lead",
            "Call {contact} again in a week to confirm interest.",
        ),
        ("note", "Lead background", "The source says they are planning {theme}."),
    ],
}

WON_NOTE = {
    "zh": ("合同签署：{theme}", "客户已签署合同，项目转交付团队启动。"),
    "en": (
        "Contract signed: {theme}",
        "The customer signed; handing over to the delivery team.",
    ),
}
LOST_NOTE = {
    "zh": ("商机关闭：{theme}", "商机丢单，原因：{reason}。"),
    "en": ("Deal closed lost: {theme}", "We lost the deal: {reason}."),
}

# Why deals are lost, by cause: (Chinese, English)
LOST_REASONS = {
    "unhappy": [
        ("客户对交付和服务不满意", "Unhappy with our delivery and service"),
        ("客户转向竞争对手", "Customer moved to a competitor"),
        ("客户停止合作", "Customer stopped working with us"),
    ],
    "price": [
        ("价格超出预算", "Price above budget"),
        ("竞争对手报价更低", "Competitor offered a lower price"),
    ],
    "other": [
        ("项目暂停", "Project put on hold"),
        ("需求变更，项目取消", "Requirements changed, project cancelled"),
        ("选择了竞争对手的方案", "Chose a competitor's solution"),
        ("预算被削减", "Budget cut"),
    ],
}
