"""Risk rules end to end: complaints in, a customer at risk, the right person told."""

from __future__ import annotations

import pytest

from rapport.core.errors import (
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from rapport.core.models import Notification
from rapport.crm.models import Activity
from rapport.intelligence.insight import selectors, services
from rapport.intelligence.models import CustomerRisk, RiskAlert, RiskMatch, RiskRule

pytestmark = pytest.mark.django_db

COMPLAINTS = [
    "你好，我们订的设备交付延迟了，请尽快确认新的时间。",
    "Thanks for the update, however this is another late delivery for our site.",
    "已经一个月了还没发货，项目现场在等。",
    "The delayed shipment is now blocking our commissioning.",
]


def test_repeated_delivery_delay_reaches_the_account_owner_once(
    send, customer, rep, default_rules
):
    messages = [
        send(customer, text, days_ago=10 - i) for i, text in enumerate(COMPLAINTS[:3])
    ]

    alert = RiskAlert.objects.get()
    assert alert.rule.code == "delivery_delay"
    assert alert.company_id == customer.pk
    assert alert.match_count == 3
    assert alert.evidence == [m.pk for m in reversed(messages)]
    assert alert.recipients == [rep.pk]

    task = Activity.objects.get(kind="task")
    assert task.owner == rep and task.company_id == customer.pk
    assert all(f"/comms/messages/{m.pk}/" in task.body for m in messages)
    assert alert.task_ids == [task.pk]

    note = Notification.objects.get(recipient=rep, kind="insight.risk")
    assert customer.name in note.title
    assert note.url == f"/insight/alerts/{alert.pk}/"

    risk = CustomerRisk.objects.get(company=customer)
    assert (
        risk.at_risk and risk.severity == "high" and risk.reasons == ["delivery_delay"]
    )


def test_more_complaints_join_the_open_alert_instead_of_raising_another(
    send, customer, rep, default_rules
):
    for i, text in enumerate(COMPLAINTS):
        send(customer, text, days_ago=10 - i)

    alert = RiskAlert.objects.get()
    assert alert.match_count == 4
    assert Activity.objects.filter(kind="task").count() == 1
    assert Notification.objects.filter(kind="insight.risk").count() == 1


def test_running_the_rules_again_raises_nothing_new(send, customer, default_rules):
    messages = [
        send(customer, text, days_ago=5 - i) for i, text in enumerate(COMPLAINTS[:3])
    ]
    from rapport.intelligence.insight import sources
    from rapport.intelligence.models import MessageAnalysis

    rows = list(MessageAnalysis.objects.all())
    by_id = {m.pk: m for m in sources.messages([m.pk for m in messages])}
    services.run_rules([(row, by_id[row.message_id]) for row in rows])

    assert RiskAlert.objects.count() == 1
    assert RiskMatch.objects.count() == 3


def test_below_the_count_or_outside_the_window_nothing_fires(
    send, customer, default_rules
):
    send(customer, COMPLAINTS[0], days_ago=100)
    send(customer, COMPLAINTS[1], days_ago=60)
    send(customer, COMPLAINTS[2], days_ago=1)

    assert not RiskAlert.objects.exists()
    assert not CustomerRisk.objects.filter(at_risk=True).exists()


def test_old_mail_imported_today_raises_no_alert(send, customer, default_rules):
    for i, text in enumerate(COMPLAINTS[:3]):
        send(customer, text, days_ago=200 - i)

    assert RiskMatch.objects.count() == 3
    assert not RiskAlert.objects.exists()


def test_outbound_messages_and_other_channels_do_not_count(
    send, customer, default_rules
):
    for i, text in enumerate(COMPLAINTS[:3]):
        send(customer, text, days_ago=3 - i, direction="outbound")

    assert not RiskAlert.objects.exists()


def test_resolving_clears_the_risk_and_fresh_complaints_raise_a_new_alert(
    send, customer, rep, default_rules
):
    for i, text in enumerate(COMPLAINTS[:3]):
        send(customer, text, days_ago=20 - i)
    alert = RiskAlert.objects.get()

    services.acknowledge_alert(rep, alert, version=alert.version)
    assert CustomerRisk.objects.get(company=customer).at_risk
    services.resolve_alert(rep, alert, note="Shipped with express freight")
    assert not CustomerRisk.objects.get(company=customer).at_risk

    for i, text in enumerate(COMPLAINTS[:3]):
        send(customer, text + f" ({i})", days_ago=2 - i * 0.5)
    assert RiskAlert.objects.count() == 2
    assert CustomerRisk.objects.get(company=customer).at_risk


def test_alert_actions_check_scope_version_and_state(
    send, customer, rep, outsider, default_rules
):
    for i, text in enumerate(COMPLAINTS[:3]):
        send(customer, text, days_ago=3 - i)
    alert = RiskAlert.objects.get()

    with pytest.raises(NotFound):
        services.acknowledge_alert(outsider, alert)
    with pytest.raises(PreconditionFailed):
        services.acknowledge_alert(rep, alert, version=alert.version + 5)
    services.resolve_alert(rep, alert)
    with pytest.raises(ValidationFailed):
        services.resolve_alert(rep, alert)
    assert not selectors.alerts(outsider).exists()


def test_rules_are_validated_with_every_error_listed(manager):
    with pytest.raises(ValidationFailed) as caught:
        services.create_rule(
            manager,
            {
                "code": "bad",
                "name": "Bad",
                "phrases": ["x" * 300],
                "threshold": 0,
                "window_days": 0,
                "channels": ["fax"],
                "max_sentiment": 3,
            },
        )

    assert set(caught.value.errors) == {
        "phrases",
        "threshold",
        "window_days",
        "channels",
        "max_sentiment",
    }


def test_a_rule_needs_a_phrase_or_a_topic(manager):
    with pytest.raises(ValidationFailed) as caught:
        services.create_rule(manager, {"code": "empty", "name": "Empty", "phrases": []})

    assert "phrases" in caught.value.errors


def test_sales_reps_may_not_edit_rules_managers_may(rep, manager):
    with pytest.raises(Forbidden):
        services.create_rule(rep, {"code": "x", "name": "X", "phrases": ["x"]})

    rule = services.create_rule(
        manager,
        {
            "code": "late",
            "name": "Late",
            "phrases": ["迟到", " late ", "late"],
            "threshold": 2,
        },
    )
    services.update_rule(manager, rule, {"threshold": 4}, version=rule.version)

    rule.refresh_from_db()
    assert rule.phrases == ["迟到", "late"]
    assert rule.threshold == 4 and rule.version == 2
    with pytest.raises(PreconditionFailed):
        services.update_rule(manager, rule, {"threshold": 5}, version=1)


def test_a_new_rule_works_on_new_messages(send, customer, manager):
    services.create_rule(
        manager,
        {
            "code": "invoice",
            "name": "Invoice dispute",
            "phrases": ["发票有误", "wrong invoice"],
            "threshold": 2,
            "window_days": 14,
            "channels": ["email"],
        },
    )

    send(customer, "We received a wrong invoice again.", days_ago=2)
    send(customer, "发票有误，请重新开具。", days_ago=1)
    send(customer, "wrong invoice", days_ago=1, channel="chat")

    alert = RiskAlert.objects.get()
    assert alert.match_count == 2 and alert.rule.code == "invoice"


def test_default_rules_install_once(db):
    # The session's demo (tests/demo) may have installed them already.
    RiskRule.objects.all().delete()

    assert services.install_default_rules() == 5
    assert services.install_default_rules() == 0
    assert RiskRule.objects.count() == 5


def test_the_project_manager_of_each_open_project_gets_the_task(
    send, customer, rep, make_user, default_rules
):
    from tests.projects.factories import ProjectFactory

    pm = make_user("project_manager")
    other_pm = make_user("project_manager")
    ProjectFactory(owner=pm, company=customer, name="产线改造")
    ProjectFactory(owner=other_pm, company=customer, status="completed")

    for i, text in enumerate(COMPLAINTS[:3]):
        send(customer, text, days_ago=5 - i)

    alert = RiskAlert.objects.get()
    task = Activity.objects.get(kind="task")
    assert alert.recipients == [pm.pk]
    assert len(alert.project_ids) == 1
    assert task.owner == pm and task.company_id == customer.pk
    assert Notification.objects.filter(recipient=pm, kind="insight.risk").count() == 1
    assert not Notification.objects.filter(recipient=rep, kind="insight.risk").exists()
    assert not Notification.objects.filter(recipient=other_pm).exists()


def test_an_open_alert_raises_the_customer_risk_of_its_open_projects(
    send, customer, rep, make_user, default_rules
):
    from tests.projects.factories import ProjectFactory

    pm = make_user("project_manager")
    open_project = ProjectFactory(owner=pm, company=customer)
    done = ProjectFactory(owner=pm, company=customer, status="completed")
    elsewhere = ProjectFactory(owner=pm)

    for i, text in enumerate(COMPLAINTS[:3]):
        send(customer, text, days_ago=5 - i)
    alert = RiskAlert.objects.get()
    levels = {p.pk: p.customer_risk for p in type(open_project).objects.all()}
    assert levels[open_project.pk] == "high"
    assert levels[done.pk] == levels[elsewhere.pk] == "normal"

    services.resolve_alert(rep, alert, note="Delivered")
    open_project.refresh_from_db()
    assert open_project.customer_risk == "normal"
