"""Sign-in, sign-out and the throttling of repeated failures on the login page."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from rapport.accounts.models import LoginThrottle

PASSWORD = "correct horse battery"


@pytest.fixture
def login_url():
    return reverse("accounts:login")


def test_pages_redirect_to_login_when_signed_out(client, db):
    # given no session
    # when the home page is requested
    response = client.get("/")

    # then the browser is sent to the login page, remembering where it wanted to go
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=/" in response["Location"]


def test_login_page_has_csrf_field(client, db, login_url):
    response = client.get(login_url)

    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


def test_correct_password_signs_in_and_clears_failures(client, rep, login_url):
    # given one earlier failure
    client.post(login_url, {"username": rep.username, "password": "wrong"})
    assert LoginThrottle.objects.filter(username=rep.username).exists()

    # when the right password is sent
    response = client.post(
        login_url, {"username": rep.username, "password": PASSWORD, "next": "/jobs/"}
    )

    # then the user is signed in, sent on, and the failure count is gone
    assert response.status_code == 302
    assert response["Location"] == "/jobs/"
    assert client.get("/jobs/").status_code == 200
    assert not LoginThrottle.objects.filter(username=rep.username).exists()


def test_external_next_is_ignored(client, rep, login_url):
    response = client.post(
        login_url,
        {
            "username": rep.username,
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_shows_the_form_again_with_an_error(client, rep, login_url):
    response = client.post(login_url, {"username": rep.username, "password": "nope"})

    assert response.status_code == 200
    assert "The user name or password is not right." in response.content.decode()
    assert f'value="{rep.username}"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_slow_down(client, rep, login_url, settings):
    # given a name that has failed once with a delay threshold of one failure
    settings.LOGIN_FAILURES_BEFORE_DELAY = 1
    client.post(login_url, {"username": rep.username, "password": "wrong"})

    # when another attempt is made
    started = time.monotonic()
    client.post(login_url, {"username": rep.username, "password": "wrong"})
    elapsed = time.monotonic() - started

    # then the answer took at least the first back-off step
    assert elapsed >= 0.25


def test_too_many_failures_lock_the_name_even_for_the_right_password(
    client, rep, login_url, settings
):
    # given a lock after three failures and no slow-down in between
    settings.LOGIN_FAILURES_BEFORE_DELAY = 100
    settings.LOGIN_FAILURES_BEFORE_LOCK = 3
    for _ in range(2):
        response = client.post(login_url, {"username": rep.username, "password": "x"})
        assert response.status_code == 200

    # when the third failure happens
    response = client.post(login_url, {"username": rep.username, "password": "x"})

    # then the page says the name is locked
    assert response.status_code == 429
    assert "Signing in is locked until" in response.content.decode()

    # and even the right password is refused until the lock ends
    response = client.post(login_url, {"username": rep.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_message_is_translated(client, rep, login_url, settings):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 100
    settings.LOGIN_FAILURES_BEFORE_LOCK = 1

    response = client.post(
        login_url,
        {"username": rep.username, "password": "x"},
        HTTP_ACCEPT_LANGUAGE="zh-Hans",
    )

    assert response.status_code == 429
    assert "登录" in response.content.decode()


def test_logout_needs_post(client, rep):
    # given a signed-in user
    client.force_login(rep)

    # when sign-out is requested with GET, nothing happens
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get("/").status_code == 200

    # when it is posted, the session ends
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_passwords_are_hashed_with_argon2_in_production(settings):
    from django.conf import settings as live

    # the test settings put a cheap hasher first; production lists Argon2 first
    hashers = [h for h in live.PASSWORD_HASHERS if "MD5" not in h]
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_users_preferred_language_is_set_on_login(client, make_user, login_url):
    user = make_user("sales_rep", language="zh-hans")

    response = client.post(login_url, {"username": user.username, "password": PASSWORD})

    assert response.cookies["django_language"].value == "zh-hans"
    assert "您好" in client.get("/").content.decode()
