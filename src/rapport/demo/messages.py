"""Demo messages in Chinese and English whose tone follows each customer's story.

Every customer writes, calls and chats over its active months. What a message
says is drawn from the hidden truths (docs/demo-data.md, "Messages"): healthy
customers thank and order more; unhappy ones complain, more and more sharply
before they leave, ending with an intent to cancel; a lost deal is preceded by
price objections and competitor mentions; a late project draws complaints
about delivery delay while it is late. Some complaints hide behind politeness,
some praise is phrased with negation ("没有任何问题", "couldn't be happier"),
and some Chinese messages mix in English. No analysis runs here: the insight
demo step reads these messages as the worker would.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection

from rapport.comms.models import Message
from rapport.demo import names
from rapport.demo.bulk import insert_rows
from rapport.demo.rules import pick_tone
from rapport.demo.state import HISTORY_DAYS

COMPETITORS = {
    "zh": ["德信科技", "华拓软件", "鼎远智造"],
    "en": ["Northwind Automation", "Zenvia Systems", "Helix Industrial"],
}
MONTHLY_CONVERSATIONS = 2.4  # inbound conversations a customer starts per month
REPLY_SHARE = 0.62

# Complaint topics and their usual weights; the story shifts them (see _topic).
TOPICS = {
    "delivery": 3.0,
    "quality": 3.0,
    "price": 2.0,
    "support": 2.0,
    "competitor": 0.8,
    "cancel": 0.3,
}

# Customer sentences per tone/topic and language. {product} {theme} {days}
# {competitor} {contact} {company} are filled in.
SAY = {
    ("complaint", "delivery"): {
        "zh": [
            "{product}的交付又延期了{days}天，现场一直在等，非常不满意。",
            "说好的上线时间已经过了{days}天，还没发货，我们很被动。",
            "延期交付已经影响到我们的生产计划，请给一个明确的时间。",
            "设备到现在还没到货，交付延迟这么久，领导很不高兴。",
        ],
        "en": [
            "The {product} delivery slipped {days} more days; our site team is idle.",
            "Go-live was promised {days} days ago; the shipment has not left.",
            "The late delivery now hurts our production plan. We need a firm date.",
            "The delayed shipment is unacceptable, our management is not happy at all.",
        ],
        "mix": [
            "这批货的 delivery 又 delay 了{days}天，请尽快 follow up。",
            "项目 timeline 一再推迟，go-live 到现在还没定。",
        ],
    },
    ("complaint", "quality"): {
        "zh": [
            "{product}上线后频繁出故障，质量问题一直没有解决。",
            "这次交付的版本缺陷太多，测试根本通不过。",
            "设备运行不稳定，一周停机三次，质量让人失望。",
        ],
        "en": [
            "The {product} keeps failing since go-live; quality issues remain.",
            "This release has too many defects, it did not pass our acceptance tests.",
            "The system crashes several times a week. The quality is disappointing.",
        ],
        "mix": ["{product} 的 bug 太多了，quality 真的不行，客户那边已经投诉。"],
    },
    ("complaint", "price"): {
        "zh": [
            "报价太高了，超出我们的预算不少，希望能再降一些。",
            "续约价格涨了这么多，我们很难接受。",
            "同样的服务，你们的价格明显偏贵。",
        ],
        "en": [
            "The quote is far above our budget, we need a better price.",
            "The renewal price went up too much, we cannot accept it.",
            "For the same scope your price is clearly too expensive.",
        ],
        "mix": ["这个 price 比预算高太多了，能不能再给一点 discount？"],
    },
    ("complaint", "support"): {
        "zh": [
            "报修工单提了{days}天都没人回复，技术支持太慢了。",
            "售后响应很不及时，问题拖了很久。",
        ],
        "en": [
            "Our support ticket has had no answer for {days} days.",
            "Your after-sales response is far too slow, the issue dragged on.",
        ],
        "mix": ["support ticket 提了好几天了，还是没人 response。"],
    },
    ("complaint", "competitor"): {
        "zh": [
            "{competitor}给了我们更低的报价，交付周期也更短。",
            "我们正在评估{competitor}的方案，对方条件更有竞争力。",
        ],
        "en": [
            "{competitor} offered us a lower price and a shorter delivery time.",
            "We are evaluating {competitor}; their offer looks more competitive.",
        ],
        "mix": ["{competitor} 的 offer 更便宜，我们在认真考虑。"],
    },
    ("complaint", "cancel"): {
        "zh": [
            "如果下周还不能解决，我们考虑取消合同。",
            "管理层已经决定不再续约，请安排后续交接。",
            "我们打算终止合作，请告知解约流程。",
        ],
        "en": [
            "If this is not solved next week we will cancel the contract.",
            "Our management decided not to renew; please arrange the handover.",
            "We intend to terminate the agreement, please send the cancellation terms.",
        ],
        "mix": ["我们准备 cancel 这个 contract 了，请尽快安排交接。"],
    },
    ("positive", "thanks"): {
        "zh": [
            "{theme}上线很顺利，感谢项目团队的辛苦付出！",
            "{product}运行稳定，一线员工都说好用，非常满意。",
            "这次交付比计划还提前了，合作很愉快。",
            "系统上线以来没有任何问题，效率提升明显。",
        ],
        "en": [
            "The {theme} went live smoothly, thank you to the whole team!",
            "The {product} runs reliably and our staff love it. Very satisfied.",
            "Delivery came in ahead of plan, great working with you.",
            "We couldn't be happier with the result, no issues at all since go-live.",
        ],
        "mix": ["{theme} 上线很 smooth，team 非常专业，thanks！"],
    },
    ("positive", "reorder"): {
        "zh": [
            "我们计划下个季度再采购一批{product}，请帮忙出个报价。",
            "其他两个工厂也想上{theme}，方便下周来交流吗？",
        ],
        "en": [
            "We plan to order more {product} next quarter, please send a quote.",
            "Two more of our plants want the {theme}; can we meet next week?",
        ],
        "mix": ["下个 quarter 想再加购{product}，麻烦发个 quotation。"],
    },
    ("neutral", "inquiry"): {
        "zh": [
            "请发一下{product}的技术资料和最新价格表。",
            "下周三方便开个会确认{theme}的实施计划吗？",
            "请提供上个月的服务报告和发票。",
            "我们的联系人有变动，后续请联系{contact}。",
        ],
        "en": [
            "Could you send the {product} datasheet and the current price list?",
            "Can we meet next Wednesday to confirm the {theme} plan?",
            "Please send last month's service report and the invoice.",
            "Our contact person changed; please reach {contact} from now on.",
        ],
        "mix": ["请把{product}的 spec 和 price list 发一下，谢谢。"],
    },
}
POLITE_OPEN = {
    "zh": ["感谢贵司一直以来的支持。", "辛苦了，先谢谢各位。", "您好，打扰一下。"],
    "en": ["Thank you for your continued support.", "Hope you are well.", "Hi all,"],
}
POLITE_CLOSE = {
    "zh": ["麻烦尽快处理，谢谢！", "还请多多关照。", "期待回复。"],
    "en": ["Thanks in advance for sorting this out.", "Kind regards.", "Best wishes."],
}
SUBJECT = {
    "delivery": ("关于{theme}交付进度", "Delivery schedule of the {theme}"),
    "quality": ("{product}质量问题反馈", "Quality issues with the {product}"),
    "price": ("关于报价", "About your quote"),
    "support": ("售后工单跟进", "Follow-up on our support ticket"),
    "competitor": ("方案比较", "Comparing offers"),
    "cancel": ("合同事宜", "About our contract"),
    "thanks": ("感谢", "Thank you"),
    "reorder": ("追加采购", "Additional order"),
    "inquiry": ("资料与安排", "Documents and planning"),
}
REPLY = {
    "complaint": (
        "非常抱歉给您带来不便，我们已安排专人跟进，今天内给您答复。",
        "We are sorry for the trouble; a colleague is on it and will reply today.",
    ),
    "positive": (
        "感谢您的认可！我们会继续做好服务，报价稍后发您。",
        "Thank you for the kind words! We will send the details shortly.",
    ),
    "neutral": (
        "收到，资料已附上，会议时间我们确认后回复。",
        "Noted; the documents are attached and we will confirm the meeting time.",
    ),
}
CHANNELS = {"email": 0.55, "call": 0.25, "chat": 0.13, "social": 0.07}


@dataclass
class _Period:
    """Days ago a late project started and stopped being late, and its id."""

    start: float
    end: float
    project_id: int | None = None


def _periods(story: Any) -> list[_Period]:
    """Late periods from the projects step, whatever shape it hands over."""
    found = []
    for item in story or []:
        if isinstance(item, dict):
            start, end = item.get("start_ago"), item.get("end_ago")
            pid = item.get("project_id")
        elif isinstance(item, tuple | list):
            start, end = item[0], item[1]
            pid = item[2] if len(item) > 2 else None
        else:
            start, end = getattr(item, "start_ago", None), getattr(item, "end_ago", 0)
            pid = getattr(item, "project_id", None)
        if start is not None:
            found.append(_Period(float(start), float(end or 0), pid))
    return found


class _Writer:
    """Plans the messages of every customer, then writes them in bulk."""

    def __init__(self, builder: Any) -> None:
        self.b = builder
        self.rng = builder.rng
        self.rows: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.tones: dict[int, str] = {}  # inbound message id -> tone (for tests)
        self.next_id = builder.new_id(Message)
        self.deals_of: dict[int, list[Any]] = {}
        for plan in builder.deals:
            self.deals_of.setdefault(plan.deal.company_id, []).append(plan)
        self.story = getattr(builder, "project_story", {}) or {}
        self.json: dict[str, Any] = {
            name: Message._meta.get_field(name)
            for name in ("recipients", "attachments")
        }

    def plan(self) -> None:
        for company in self.b.companies:
            truth = self.b.truths.get(company.id)
            if truth is None or not self.b.contacts_of.get(company.id):
                continue
            start = min(truth.created_ago or HISTORY_DAYS, HISTORY_DAYS)
            end = truth.churn_ago or 0.0
            months = max(0.5, (start - end) / 30)
            count = self._poisson(MONTHLY_CONVERSATIONS * months * (0.6 + truth.health))
            for _ in range(count):
                self._conversation(company, truth, self.rng.uniform(end, start))

    def _poisson(self, mean: float) -> int:
        return max(1, round(self.rng.gauss(mean, mean**0.5)))

    def _conversation(self, company: Any, truth: Any, ago: float) -> None:
        late = next(
            (
                p
                for p in _periods(self.story.get(company.id))
                if p.end <= ago <= p.start
            ),
            None,
        )
        deal = self._deal_at(company.id, ago)
        tone, topic = self._tone(truth, ago, late, deal)
        language = truth.language
        style = "mix" if language == "zh" and self.rng.random() < 0.1 else language
        contact = self.b.contact_at(company, ago)
        email, phone = self.b.reach.get(contact.id, ("", ""))
        channel = self.rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0]
        slots = self._slots(company, contact, deal, language)
        text = self._say(tone, topic, style, slots)
        zh = language == "zh"
        subject = SUBJECT[topic][0 if zh else 1].format(**slots)
        owner = company.owner_id
        when = self.b.at(ago).replace(hour=self.rng.randint(1, 11))  # 9-19h China
        if when > self.b.now:
            when -= timedelta(days=1)
        thread = f"demo-{self.next_id}@{company.id}.rapport-demo"
        common = {
            "company_id": company.id,
            "deal_id": deal.deal.id if deal else None,
            "project_id": late.project_id if late else None,
            "owner_id": owner,
            "team_id": company.team_id,
        }
        if channel == "call":
            text = self._transcript(text, tone, zh)
        first = self._row(
            channel,
            "inbound",
            contact.name,
            phone if channel == "call" else email,
            subject if channel == "email" else "",
            text,
            when,
            thread,
            common,
        )
        self._link(first["id"], contact.id)
        self.tones[first["id"]] = tone
        reply_at = when + timedelta(hours=self.rng.uniform(0.5, 30))
        replied = channel in ("email", "chat") and self.rng.random() < REPLY_SHARE
        if replied and reply_at < self.b.now:
            reply = self._row(
                channel,
                "outbound",
                "",
                f"{self._username(owner)}@rapport-demo.cn",
                f"Re: {subject}" if channel == "email" else "",
                REPLY[tone][0 if zh else 1],
                reply_at,
                thread,
                common,
                recipients=[{"name": contact.name, "address": email, "kind": "to"}],
            )
            self._link(reply["id"], contact.id)

    def _username(self, user_id: int) -> str:
        for username, user in self.b.users.items():
            if user.pk == user_id:
                return str(username)
        return "sales"

    def _deal_at(self, company_id: int, ago: float) -> Any:
        candidates = [
            p for p in self.deals_of.get(company_id, []) if p.created_ago >= ago
        ]
        current = [p for p in candidates if p.end_ago <= ago + 45]
        return (current or candidates or [None])[-1]

    def _tone(self, truth: Any, ago: float, late: Any, deal: Any) -> tuple[str, str]:
        """How the customer feels at that moment and what it is about."""
        health = truth.health
        weights = dict(TOPICS)
        churn = truth.churn_ago
        if churn is not None and churn <= ago <= churn + 120:
            closeness = 1 - (ago - churn) / 120
            health *= 1 - 0.7 * closeness
            weights["cancel"] += 6 * closeness**2
            weights["competitor"] += 2 * closeness
        if late is not None:
            health *= 0.45
            weights["delivery"] += 9
        if (
            deal is not None
            and deal.outcome == "lost"
            and deal.end_ago <= ago <= deal.end_ago + 45
        ):
            health *= 0.7
            weights["price"] += 4
            weights["competitor"] += 4
        if (
            deal is not None
            and deal.outcome == "won"
            and deal.end_ago - 20 <= ago <= deal.end_ago
        ):
            health = min(1.0, health + 0.25)
        tone = pick_tone(health, self.rng)
        if tone == "complaint":
            return tone, self.rng.choices(
                list(weights), weights=list(weights.values())
            )[0]
        if tone == "positive":
            return (
                tone,
                "reorder" if self.rng.random() < 0.3 + 0.3 * health else "thanks",
            )
        return tone, "inquiry"

    def _slots(
        self, company: Any, contact: Any, deal: Any, language: str
    ) -> dict[str, Any]:
        zh = language == "zh"
        theme = deal.theme if deal is not None else self.rng.choice(names.DEAL_THEMES)
        product = self.rng.choice(names.PRODUCTS)
        return {
            "product": product[1 if zh else 2],
            "theme": theme[0 if zh else 1],
            "days": self.rng.randint(3, 30),
            "competitor": self.rng.choice(COMPETITORS["zh" if zh else "en"]),
            "contact": contact.name,
            "company": company.short_name or company.name,
        }

    def _say(self, tone: str, topic: str, style: str, slots: dict[str, Any]) -> str:
        lines = SAY[(tone, topic)]
        pool = lines.get(style) or lines["zh" if style == "mix" else style]
        count = 1 if self.rng.random() < 0.6 else 2
        said = " ".join(self.rng.sample(pool, min(count, len(pool)))).format(**slots)
        base = "zh" if style in ("zh", "mix") else "en"
        # A third of complaints are wrapped in politeness, which hides their tone
        # from a naive reader; the words that matter stay in the middle.
        wrap = tone == "complaint" and self.rng.random() < 0.33
        if wrap or self.rng.random() < 0.1:
            gap = " " if base == "en" else ""
            opening = self.rng.choice(POLITE_OPEN[base])
            said = f"{opening}{gap}{said}{gap}{self.rng.choice(POLITE_CLOSE[base])}"
        return str(said)

    def _transcript(self, said: str, tone: str, zh: bool) -> str:
        ours = REPLY[tone][0 if zh else 1]
        if zh:
            greeting = "销售：您好，我是项目对接人，请问有什么可以帮您？"
            return f"{greeting}\n客户：{said}\n销售：{ours}"
        return f"Rep: Hello, how can I help?\nCustomer: {said}\nRep: {ours}"

    def _row(
        self, channel: str, direction: str, name: str, address: str, subject: str,
        text: str, when: Any, thread: str, common: dict[str, Any],
        recipients: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        pk = self.next_id
        self.next_id += 1
        external = (
            f"demo-{pk}@rapport-demo" if channel == "email" else f"{channel}-{pk}"
        )
        row = {
            "id": pk,
            "created_at": when,
            "updated_at": when,
            "version": 1,
            "channel": channel,
            "direction": direction,
            "source": "demo",
            "sender_name": name,
            "sender_address": address,
            "recipients": self._json("recipients", recipients or []),
            "subject": subject[:300],
            "text": text,
            "html": "",
            "language": "",
            "sent_at": when,
            "external_id": external,
            "thread_key": thread,
            "in_reply_to": "",
            "attachments": self._json("attachments", []),
            "duration_seconds": self.rng.randint(60, 1500)
            if channel == "call"
            else None,
            "fingerprint": hashlib.sha256(f"id\x00{external}".encode()).hexdigest(),
            "mailbox_id": None,
            "source_import_id": None,
            **common,
        }
        self.rows.append(row)
        return row

    def _json(self, name: str, value: Any) -> Any:
        return self.json[name].get_db_prep_value(value, connection)

    def _link(self, message_id: int, contact_id: int) -> None:
        self.links.append({"message_id": message_id, "contact_id": contact_id})

    def write(self) -> None:
        insert_rows(Message, self.rows)
        insert_rows(Message.contacts.through, self.links)
        from rapport.demo.generator import reset_sequences

        reset_sequences([Message, Message.contacts.through])


def load(builder: Any) -> dict[str, int]:
    """Plan and bulk-insert the demo messages; return how many were written."""
    writer = _Writer(builder)
    writer.plan()
    writer.rows.sort(key=lambda row: row["id"])
    writer.write()
    return {"messages": len(writer.rows)}


def clear() -> None:
    """Delete the demo messages (their contact links go with them)."""
    Message.objects.filter(source="demo").delete()
