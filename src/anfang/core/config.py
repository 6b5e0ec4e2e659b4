"""Process configuration read once from ``ANFANG_*`` environment variables.

Every setting has a safe default so a newcomer's ``make run`` needs no set-up; production overrides
them (see docs/operations.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class ConfigError(ValueError):
    """An environment variable holds a value anfang cannot use."""


def _int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not an integer") from exc
    if value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum {minimum}")
    return value


def _resolution(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """``1920x1080`` → (1920, 1080)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    width, sep, height = raw.lower().replace("×", "x").partition("x")
    if not sep or not width.strip().isdigit() or not height.strip().isdigit():
        raise ConfigError(f"{name}={raw!r} is not a resolution like 1920x1080")
    return int(width), int(height)


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Config:
    """Validated process settings; built once by :func:`load`."""

    data_dir: Path
    database_url: str | None
    secret_key: str
    debug: bool
    host: str
    port: int
    allowed_hosts: tuple[str, ...]
    mqtt_url: str
    mqtt_client_id: str
    sia_host: str
    sia_port: int
    time_zone: str
    login_failure_limit: int
    login_cooloff_minutes: int
    min_camera_resolution: tuple[int, int]
    vehicle_retention_days: int


def _secret_key(data_dir: Path) -> str:
    """Use ANFANG_SECRET_KEY, else a random key kept in the data directory (never a fixed default)."""
    key = os.environ.get("ANFANG_SECRET_KEY")
    if key:
        return key
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        import secrets

        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


def load() -> Config:
    data_dir = Path(os.environ.get("ANFANG_DATA_DIR", "var")).resolve()
    host = os.environ.get("ANFANG_HOST", "127.0.0.1")
    hosts = os.environ.get("ANFANG_ALLOWED_HOSTS", "")
    allowed = tuple(h.strip() for h in hosts.split(",") if h.strip()) or (host, "localhost", "127.0.0.1")
    return Config(
        data_dir=data_dir,
        database_url=os.environ.get("DATABASE_URL") or None,
        secret_key=_secret_key(data_dir),
        debug=_bool("ANFANG_DEBUG", False),
        host=host,
        port=_int("ANFANG_PORT", 8000, minimum=1),
        allowed_hosts=allowed,
        mqtt_url=os.environ.get("ANFANG_MQTT_URL", "mqtt://127.0.0.1:1883"),
        # Fixed, so the broker keeps the ingest worker's persistent session (and its unsent events).
        mqtt_client_id=os.environ.get("ANFANG_MQTT_CLIENT_ID", "anfang-ingest"),
        sia_host=os.environ.get("ANFANG_SIA_HOST", "127.0.0.1"),
        sia_port=_int("ANFANG_SIA_PORT", 7000, minimum=1),
        time_zone=os.environ.get("ANFANG_TIME_ZONE", "Asia/Shanghai"),
        login_failure_limit=_int("ANFANG_LOGIN_FAILURE_LIMIT", 5, minimum=1),
        login_cooloff_minutes=_int("ANFANG_LOGIN_COOLOFF_MINUTES", 15, minimum=1),
        # R-9a (第9条): images must show people and vehicles clearly; below this a camera does not count.
        min_camera_resolution=_resolution("ANFANG_MIN_CAMERA_RESOLUTION", (1920, 1080)),
        # R-33.2 (第33条第(2)项): vehicle records and photos are kept at least 3 months; longer is allowed,
        # shorter is refused at start.
        vehicle_retention_days=_int("ANFANG_VEHICLE_RETENTION_DAYS", 90, minimum=90),
    )
