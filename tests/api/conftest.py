"""API test helpers: clients that authenticate with a personal token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rapport.accounts.services import create_api_token


class ApiClient:
    """A test client that sends a Bearer token and JSON bodies to /api/v1/."""

    def __init__(self, user: Any, access: str = "write") -> None:
        self.user = user
        self.token, self.raw = create_api_token(user, "tests", access)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.raw}")

    def _url(self, path: str) -> str:
        return path if path.startswith("/api/") else f"/api/v1{path}"

    def get(self, path: str, params: dict | None = None, **headers: str):
        return self.client.get(self._url(path), params or {}, headers=headers)

    def post(self, path: str, body: Any = None, **headers: str):
        return self.client.post(
            self._url(path),
            json.dumps(body or {}),
            content_type="application/json",
            headers=headers,
        )

    def patch(self, path: str, body: Any = None, **headers: str):
        return self.client.patch(
            self._url(path),
            json.dumps(body or {}),
            content_type="application/json",
            headers=headers,
        )

    def delete(self, path: str, **headers: str):
        return self.client.delete(self._url(path), headers=headers)

    def call(self, method: str, path: str, body: Any = None, **headers: str):
        if method == "get":
            return self.get(path, **headers)
        if method == "delete":
            return self.delete(path, **headers)
        return getattr(self, method)(path, body, **headers)


@pytest.fixture
def api_as(db):
    """Make an API client for a user (write token unless `access="read"`)."""

    def make(user: Any, access: str = "write") -> ApiClient:
        return ApiClient(user, access)

    return make
