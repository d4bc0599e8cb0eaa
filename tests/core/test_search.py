"""Search: Chinese and English terms, scopes, roles, ranking, on any database."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.core import search
from rapport.core.models import SearchDocument, SearchGram
from rapport.crm import services
from tests.factories import ActivityFactory, CompanyFactory, DealFactory, LeadFactory

pytestmark = pytest.mark.django_db


def titles(hits):
    return [hit.title for hit in hits]


@pytest.fixture
def huawei(rep):
    return services.create_company(
        rep,
        {
            "name": "华为技术有限公司",
            "short_name": "华为",
            "english_name": "Huawei Technologies",
            "address": "上海市浦东新区张江路88号",
        },
    )


@pytest.fixture
def contact(rep, huawei):
    return services.create_contact(
        rep,
        {"name": "王芳", "title": "采购经理", "company_id": huawei.pk},
        methods=[
            {"kind": "email", "value": "Wang.Fang@Huawei.com"},
            {"kind": "phone", "value": "+86 138 0013 8000"},
        ],
    )


def test_finds_chinese_word_inside_company_name(rep, huawei):
    assert titles(search.search(rep, "华为")) == ["华为技术有限公司"]


def test_finds_a_single_chinese_character(rep, huawei):
    other = services.create_company(rep, {"name": "阿里巴巴"})

    hits = search.search(rep, "华")

    assert titles(hits) == ["华为技术有限公司"]
    assert other.name not in titles(hits)


def test_finds_city_in_address(rep, huawei):
    services.create_company(rep, {"name": "北京某公司", "address": "北京市海淀区"})

    assert titles(search.search(rep, "上海")) == ["华为技术有限公司"]
    assert titles(search.search(rep, "浦东新区")) == ["华为技术有限公司"]


def test_three_chinese_characters_must_stand_together(rep):
    services.create_company(rep, {"name": "技术华为"})  # has 华为 and 技术, not 华为技
    services.create_company(rep, {"name": "华为技术"})

    assert titles(search.search(rep, "华为技")) == ["华为技术"]


def test_english_words_ignore_case(rep, huawei):
    assert titles(search.search(rep, "huawei")) == ["华为技术有限公司"]
    assert titles(search.search(rep, "TECHNOLOGIES")) == ["华为技术有限公司"]


def test_full_width_letters_match_ascii(rep, huawei):
    assert titles(search.search(rep, "ＨＵＡＷＥＩ")) == ["华为技术有限公司"]


def test_contact_by_email_fragment(rep, contact):
    hits = search.search(rep, "wang.fang@huawei", kinds=["crm.contact"])

    assert [(h.kind, h.object_id) for h in hits] == [("crm.contact", contact.pk)]


def test_contact_by_phone_fragment(rep, contact):
    assert titles(search.search(rep, "0013", kinds=["crm.contact"])) == ["王芳"]
    assert search.search(rep, "9999", kinds=["crm.contact"]) == []


def test_contact_is_found_by_company_name(rep, contact):
    assert titles(search.search(rep, "华为", kinds=["crm.contact"])) == ["王芳"]


def test_mixed_chinese_and_english_terms_are_anded(rep):
    services.create_lead(rep, {"title": "华为 ERP 升级", "company_name": "华为"})
    services.create_lead(rep, {"title": "华为 CRM 项目"})
    services.create_lead(rep, {"title": "用友 ERP"})

    assert titles(search.search(rep, "华为 ERP")) == ["华为 ERP 升级"]
    assert titles(search.search(rep, "erp 华为")) == ["华为 ERP 升级"]


def test_short_latin_term_matches_word_starts(rep):
    services.create_lead(rep, {"title": "AI 客服项目"})
    services.create_lead(rep, {"title": "Email campaign"})

    assert titles(search.search(rep, "ai")) == ["AI 客服项目"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "'",
        "*",
        "a*",
        "(",
        ")",
        "(华为",
        "华为)",
        "NEAR",
        "NEAR(a b)",
        "-",
        "-华为",
        "^",
        "^华为",
        "AND",
        "OR NOT",
        ":",
        "text:华为",
        "{a b}",
        "+",
        "%",
        "_",
        "\\",
        '"华为" OR "x"',
        "华为*",
        'a"b"c',
    ],
)
def test_query_syntax_in_user_input_is_harmless(rep, huawei, query):
    hits = search.search(rep, query)

    assert all(hit.title == "华为技术有限公司" for hit in hits)


def test_operator_words_are_searched_literally(rep):
    services.create_lead(rep, {"title": "NEAR field 通讯"})
    services.create_lead(rep, {"title": "其他"})

    assert titles(search.search(rep, "near")) == ["NEAR field 通讯"]
    assert titles(search.search(rep, "(near")) == []
    assert search.search(rep, "50%") == []


def test_like_wildcards_are_literal(rep):
    services.create_lead(rep, {"title": "折扣 50% 以上"})
    services.create_lead(rep, {"title": "折扣 500 元"})

    assert titles(search.search(rep, "50%")) == ["折扣 50% 以上"]
    assert titles(search.search(rep, "%")) == ["折扣 50% 以上"]


def test_records_outside_the_scope_are_not_returned(rep, manager, outsider, make_user):
    mine = services.create_company(rep, {"name": "上海电气"})
    teammate = make_user("sales_rep")
    theirs = services.create_company(teammate, {"name": "上海石化"})
    services.create_company(outsider, {"name": "上海银行"})

    assert titles(search.search(rep, "上海")) == [mine.name]
    team_hits = titles(search.search(manager, "上海"))
    assert sorted(team_hits) == sorted([mine.name, theirs.name])
    assert titles(search.search(outsider, "上海")) == ["上海银行"]
    assert titles(search.search(outsider, "上")) == ["上海银行"]


def test_all_scope_sees_every_team(rep, outsider, make_user):
    services.create_company(rep, {"name": "上海电气"})
    services.create_company(outsider, {"name": "上海银行"})
    boss = make_user("executive", data_scope="all")

    assert len(search.search(boss, "上海")) == 2


def test_role_without_view_sees_nothing_of_that_kind(rep, huawei, make_user):
    stranger = make_user("sales_rep", data_scope="all")
    stranger.role = "no_such_role"

    assert search.search(stranger, "华为") == []


def test_inactive_user_sees_nothing(rep, huawei):
    rep.is_active = False

    assert search.search(rep, "华为") == []


def test_kinds_narrow_the_search(rep, huawei):
    services.create_lead(rep, {"title": "华为 新项目"})

    assert titles(search.search(rep, "华为", kinds=["crm.lead"])) == ["华为 新项目"]
    assert search.search(rep, "华为", kinds=["no.such"]) == []


def test_title_matches_come_first_then_recent(rep):
    older = services.create_company(rep, {"name": "华东建设", "notes": "x"})
    note = services.create_company(rep, {"name": "某公司", "notes": "与华东建设合作"})
    services.update_company(rep, older, {"notes": "更新"})

    hits = titles(search.search(rep, "华东"))

    assert hits == ["华东建设", note.name]


def test_exact_title_beats_partial_title(rep):
    services.create_company(rep, {"name": "华为"})
    services.create_company(rep, {"name": "华为技术有限公司"})

    assert titles(search.search(rep, "华为"))[0] == "华为"


def test_limit_is_respected(rep):
    for n in range(5):
        services.create_lead(rep, {"title": f"上海 线索 {n}"})

    assert len(search.search(rep, "上海", limit=3)) == 3


def test_snippet_shows_the_match(rep):
    body = "开头" * 100 + "关键的深圳客户" + "结尾" * 100
    ActivityFactory(owner=rep, subject="回访", body=body)
    search.reindex_all(["crm.activity"])

    (hit,) = search.search(rep, "深圳")

    assert "深圳" in hit.snippet and len(hit.snippet) <= search.SNIPPET_CHARS + 2
    assert hit.url.endswith(f"/{hit.object_id}/")


def test_update_reindexes_and_drops_old_grams(rep, huawei):
    services.update_company(
        rep,
        huawei,
        {"name": "中兴通讯", "short_name": "", "english_name": "", "address": ""},
    )

    assert search.search(rep, "华为") == []
    assert search.search(rep, "华") == []
    assert titles(search.search(rep, "中兴")) == ["中兴通讯"]
    assert titles(search.search(rep, "中")) == ["中兴通讯"]
    if connection.vendor != "sqlite":  # SQLite keeps grams in an FTS5 table
        doc = SearchDocument.objects.get(kind="crm.company", object_id=huawei.pk)
        grams = SearchGram.objects.filter(document=doc).values_list("gram", flat=True)
        assert set(grams) == search.grams_of(doc.text)


def test_owner_change_moves_the_document_to_the_new_scope(rep, manager, make_user):
    colleague = make_user("sales_rep")
    company = services.create_company(rep, {"name": "杭州钢铁"})

    services.update_company(manager, company, {"owner_id": colleague.pk})

    assert search.search(rep, "杭州") == []
    assert titles(search.search(colleague, "杭州")) == ["杭州钢铁"]


def test_delete_unindexes(manager, huawei):
    services.delete_company(manager, huawei)

    assert search.search(manager, "华为") == []
    assert not SearchDocument.objects.exists()
    assert not SearchGram.objects.exists()


def test_unchanged_record_is_not_rewritten(rep, huawei):
    with CaptureQueriesContext(connection) as queries:
        search.index_record(huawei)

    writes = [
        q["sql"]
        for q in queries
        if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
    ]
    assert writes == []


def test_index_records_in_bulk_and_reindex_all(rep):
    companies = CompanyFactory.create_batch(30, owner=rep, name="深圳测试")
    deals = DealFactory.create_batch(5, owner=rep, company=companies[0], title="大单")
    LeadFactory(owner=rep, title="无关")

    changed = search.index_records([*companies, *deals])

    assert changed == 35
    assert len(search.search(rep, "深圳", kinds=["crm.company"], limit=50)) == 30
    assert len(search.search(rep, "深圳", kinds=["crm.deal"])) == 5  # via company name
    counts = search.reindex_all()
    assert counts["crm.company"] == 30 and counts["crm.lead"] == 1
    assert len(search.search(rep, "深圳 大单")) == 5


def test_reindex_command(rep, capsys):
    CompanyFactory(owner=rep, name="南京化工")

    call_command("reindex", "crm.company")

    assert "crm.company: 1" in capsys.readouterr().out
    assert titles(search.search(rep, "南京")) == ["南京化工"]


def test_search_runs_a_fixed_number_of_queries(rep):
    for n in range(10):
        services.create_lead(rep, {"title": f"苏州 项目 {n}"})

    with CaptureQueriesContext(connection) as queries:
        hits = search.search(rep, "苏州 项目", limit=10)

    assert len(hits) == 10
    assert len(queries) == 1


def test_empty_query_finds_nothing(rep, huawei):
    assert search.search(rep, "   ") == []


def test_grams_hold_chinese_pairs_and_word_starts():
    assert search.grams_of("华为 ERP") == {"华", "为", "华为", "e", "er"}


def test_reindex_of_no_kinds_touches_nothing(rep, huawei):
    assert search.reindex_all([]) == {}
    assert titles(search.search(rep, "华为")) == ["华为技术有限公司"]
