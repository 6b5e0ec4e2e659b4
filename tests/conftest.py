"""Shared fixtures: two communities of two property companies, with a user per role in each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.support import factories

# Speed is measured in benchmarks, never in unit tests: no per-example deadline (a loaded CI machine
# would make property tests flaky), and slow data generation is not an error.
settings.register_profile("anfang", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("anfang")


@dataclass
class Tenancy:
    """Community A and B (different property companies and police stations), a user per role."""

    a: Any
    b: Any
    manager_a: Any
    manager_b: Any
    operator_a: Any
    police_a: Any
    admin: Any


@pytest.fixture
def tenancy(db: Any) -> Tenancy:
    from anfang.core.choices import RoleChoices

    a = factories.community(code="a", name="小区A")
    b = factories.community(code="b", name="小区B")
    police = factories.user("police_a", police_station=a.police_station)
    admin = factories.user("admin_x", is_platform_admin=True)
    return Tenancy(
        a=a,
        b=b,
        manager_a=factories.manager(a, "manager_a"),
        manager_b=factories.manager(b, "manager_b"),
        operator_a=factories.user("operator_a", community=a, role=RoleChoices.OPERATOR),
        police_a=police,
        admin=admin,
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """PBKDF2 with 1 M iterations costs ~0.7 s a user; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _threads_let_go_of_the_database(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """PostgreSQL will not drop the test database while a connection is open, and threads hold their
    own: the event pipelines' writers, and Django's thread for sync views under ASGI (the tests of the
    ASGI application). Stop the writers, then end whatever other session is left."""
    yield
    from django.db import connection

    from anfang.alarms import pipeline

    pipeline.stop_all()
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close()


@pytest.fixture(autouse=True)
def _fresh_hot_caches() -> Any:
    """A memo filled in an earlier test may hold rows that test rolled back."""
    from anfang.core import hot_cache

    hot_cache.clear_all()
    yield
    hot_cache.clear_all()


@pytest.fixture(scope="module")
def demo_built(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo communities (``anfang seed-demo``), built once for the module that asks for them."""
    from anfang.core import audit
    from anfang.sites.demo import build_demo
    from tests.support.db import built_once

    def build() -> Any:
        with audit.actor(system="seed-demo"):
            return build_demo()

    with built_once(django_db_blocker, build) as result:
        yield result
