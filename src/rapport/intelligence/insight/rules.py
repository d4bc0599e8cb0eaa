"""Risk rules as plain data: which messages a rule matches, and when it fires.

No Django here. A rule matches a message when the message comes in on one of the
rule's channels, says one of its phrases (any synonym, in Chinese or English,
ignoring case, width and spacing), and meets the optional topic and sentiment
conditions. It fires for a customer when `threshold` matching messages fall
within `window_days`; `dedupe_key` names that firing so it is raised only once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalise(text: str) -> str:
    """Fold width and case, and collapse spaces; drop spaces between Chinese characters.

    "Late  Delivery" and "late delivery" match; so do "交付 延迟" and "交付延迟",
    and full-width "ＬＡＴＥ" and "late".
    """
    folded = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", folded)


def _is_word_phrase(phrase: str) -> bool:
    return not _CJK.search(phrase)


@dataclass(frozen=True)
class RuleSpec:
    """What a risk rule asks for, independent of where it is stored."""

    key: str
    phrases: tuple[str, ...]
    threshold: int = 1
    window_days: int = 30
    channels: tuple[str, ...] = ()
    topic: str = ""
    max_sentiment: float | None = None
    inbound_only: bool = True
    _patterns: tuple[re.Pattern[str], ...] = field(
        default=(), init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        patterns = []
        for phrase in dict.fromkeys(normalise(p) for p in self.phrases if p.strip()):
            escaped = re.escape(phrase).replace(r"\ ", r"\s*")
            # English phrases match whole words ("late" is not in "translate");
            # Chinese has no word boundaries to respect.
            if _is_word_phrase(phrase):
                escaped = rf"(?<!\w){escaped}(?!\w)"
            patterns.append(re.compile(escaped))
        object.__setattr__(self, "_patterns", tuple(patterns))

    def phrase_found(self, text: str) -> str | None:
        """The first of the rule's phrases found in `text` (already normalised)."""
        for pattern in self._patterns:
            found = pattern.search(text)
            if found:
                return found.group(0)
        return None

    def matches(
        self,
        *,
        text: str,
        channel: str,
        inbound: bool,
        topics: Iterable[str] = (),
        sentiment: float = 0.0,
    ) -> bool:
        """Whether one message (text already normalised) counts towards this rule."""
        if self.inbound_only and not inbound:
            return False
        if self.channels and channel not in self.channels:
            return False
        if self.topic and self.topic not in set(topics):
            return False
        if self.max_sentiment is not None and sentiment > self.max_sentiment:
            return False
        if self._patterns:
            return self.phrase_found(text) is not None
        # A rule without phrases relies on its topic alone.
        return bool(self.topic)


def window_start(at: datetime, window_days: int) -> datetime:
    return at - timedelta(days=window_days)


def fires(match_times: Sequence[datetime], at: datetime, spec: RuleSpec) -> bool:
    """Whether the matches inside the window ending at `at` reach the threshold."""
    since = window_start(at, spec.window_days)
    return sum(1 for moment in match_times if since < moment <= at) >= spec.threshold


def dedupe_key(rule_id: int, company_id: int, first_match: datetime, days: int) -> str:
    """The name of one firing: rule, customer, and the window its first match opened.

    Matches counted in an alert are not counted again, so the next firing of the
    same rule for the same customer starts from a later first match and gets a
    new key, while two deliveries of the same messages give the same one.
    """
    return f"risk:{rule_id}:{company_id}:{days}d:{first_match:%Y%m%dT%H%M%S}"


# The rules Rapport ships; `services.install_default_rules` writes them once.
DEFAULT_RULES: tuple[dict[str, object], ...] = (
    {
        "code": "delivery_delay",
        "name": "Delivery delay",
        "name_zh": "交付延迟",
        "phrases": [
            "交付延迟",
            "延期交付",
            "交付延期",
            "还没发货",
            "迟迟没有发货",
            "到货延迟",
            "延迟交货",
            "推迟交付",
            "late delivery",
            "delayed shipment",
            "delivery delay",
            "delivery is late",
            "shipment is late",
            "still waiting on the delivery",
            "still waiting for the delivery",
            "not shipped yet",
        ],
        "threshold": 3,
        "window_days": 30,
        "topic": "",
        "severity": "high",
    },
    {
        "code": "quality_complaint",
        "name": "Quality complaint",
        "name_zh": "质量投诉",
        "phrases": [
            "质量问题",
            "质量太差",
            "有缺陷",
            "次品",
            "故障",
            "不合格",
            "返工",
            "quality issue",
            "quality problem",
            "defective",
            "defect",
            "faulty",
            "broken",
            "poor quality",
        ],
        "threshold": 2,
        "window_days": 30,
        "topic": "",
        "severity": "high",
    },
    {
        "code": "price_objection",
        "name": "Price objection",
        "name_zh": "价格异议",
        "phrases": [
            "太贵",
            "价格太高",
            "报价偏高",
            "超出预算",
            "降价",
            "too expensive",
            "price is too high",
            "over budget",
            "over our budget",
            "cheaper",
            "discount",
        ],
        "threshold": 3,
        "window_days": 30,
        "topic": "",
        "severity": "medium",
    },
    {
        "code": "competitor_mention",
        "name": "Competitor mention",
        "name_zh": "提及竞争对手",
        "phrases": [
            "竞争对手",
            "其他供应商",
            "别家",
            "另一家供应商",
            "competitor",
            "another vendor",
            "other supplier",
            "alternative supplier",
            "switch to",
        ],
        "threshold": 2,
        "window_days": 60,
        "topic": "",
        "severity": "medium",
    },
    {
        "code": "intent_to_cancel",
        "name": "Intent to cancel",
        "name_zh": "有意取消",
        "phrases": [
            "取消合同",
            "取消订单",
            "终止合同",
            "终止合作",
            "不再续约",
            "解约",
            "cancel the contract",
            "cancel our contract",
            "cancel the order",
            "terminate the contract",
            "terminate our agreement",
            "not renew",
            "will not renew",
            "end our partnership",
        ],
        "threshold": 1,
        "window_days": 90,
        "topic": "",
        "severity": "critical",
    },
)
