"""CRM page URLs: the same set of pages for every kind of record, plus the extras."""

from django.urls import path

from rapport.crm import views

app_name = "crm"

PATHS = {
    "company": "companies",
    "contact": "contacts",
    "lead": "leads",
    "deal": "deals",
    "activity": "activities",
    "quote": "quotes",
    "product": "products",
}

urlpatterns = [
    path("deals/board/", views.deal_board, name="deal_board"),
    path("deals/<int:pk>/move/", views.deal_move, name="deal_move"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    path(
        "activities/<int:pk>/complete/",
        views.activity_complete,
        name="activity_complete",
    ),
]

for kind, plural in PATHS.items():
    fixed = {"kind": kind}
    urlpatterns += [
        path(f"{plural}/", views.record_list, fixed, name=f"{kind}_list"),
        path(f"{plural}/export.csv", views.record_export, fixed, name=f"{kind}_export"),
        path(f"{plural}/new/", views.record_form, fixed, name=f"{kind}_create"),
        path(f"{plural}/<int:pk>/", views.record_detail, fixed, name=f"{kind}_detail"),
        path(f"{plural}/<int:pk>/edit/", views.record_form, fixed, name=f"{kind}_edit"),
        path(
            f"{plural}/<int:pk>/delete/",
            views.record_delete,
            fixed,
            name=f"{kind}_delete",
        ),
        path(
            f"{plural}/<int:pk>/inline/<str:field>/",
            views.record_inline,
            fixed,
            name=f"{kind}_inline",
        ),
        path(
            f"{plural}/<int:pk>/timeline/",
            views.timeline_add,
            fixed,
            name=f"{kind}_timeline",
        ),
    ]
