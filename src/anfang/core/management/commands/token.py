"""``anfang token create|list|revoke``: API tokens from the command line.

The raw token is printed once, alone on stdout (so ``TOKEN=$(anfang token create --user x)`` works);
everything else goes to stderr. Only its hash is stored. Errors exit with status 2.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from anfang.core import audit, services
from anfang.core.errors import DomainError
from anfang.core.models import ApiToken, User
from anfang.devices.models import Device

USAGE_ERROR = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


class Command(BaseCommand):
    # Works on the models only; a broken URL or template elsewhere must not block it.
    requires_system_checks: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _("创建、列出、吊销 API 令牌（用户令牌或设备令牌）。")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help=_("创建令牌，只显示一次"))
        owner = create.add_mutually_exclusive_group(required=True)
        owner.add_argument("--user", help=_("令牌代表的用户名"))
        owner.add_argument("--device", help=_("设备编号（设备令牌，仅用于事件接入）"))
        create.add_argument("--community", help=_("设备所属小区编号（与 --device 同用）"))
        create.add_argument("--name", help=_("令牌名称"))
        create.add_argument("--expires-days", type=int, help=_("有效天数（默认永久有效）"))
        listing = sub.add_parser("list", help=_("列出令牌"))
        listing.add_argument("--user", help=_("只列出该用户的令牌"))
        revoke = sub.add_parser("revoke", help=_("按前缀吊销令牌"))
        revoke.add_argument("prefix", help=_("令牌前缀，如 anf_AbC123"))

    def handle(self, *args: Any, **options: Any) -> None:
        with audit.actor(system="cli:token"):
            action = options["action"]
            if action == "create":
                self._create(options)
            elif action == "list":
                self._list(options.get("user"))
            else:
                self._revoke(options["prefix"])

    # -----------------------------------------------------------------------------------------------

    def _create(self, options: dict[str, Any]) -> None:
        expires_at = self._expiry(options.get("expires_days"))
        try:
            if options.get("user"):
                if options.get("community"):
                    raise _fail(_("--community 只能与 --device 一起使用。"))
                user = User.objects.filter(username=options["user"]).first()
                if user is None:
                    raise _fail(_("用户“%(name)s”不存在。") % {"name": options["user"]})
                name = options.get("name") or _("命令行令牌")
                token, raw = services.create_user_token(user, name, expires_at=expires_at)
                owner = user.get_username()
            else:
                token, raw = self._create_device_token(options, expires_at)
                owner = f"{token.device.code}@{token.device.community.code}" if token.device else ""
        except DomainError as exc:
            raise _fail(exc.detail) from exc
        self.stderr.write(
            _("已为 %(owner)s 创建令牌“%(name)s”（前缀 %(prefix)s）。请立即保存，之后无法再次查看：")
            % {"owner": owner, "name": token.name, "prefix": token.prefix}
        )
        self.stdout.write(raw)

    def _create_device_token(
        self, options: dict[str, Any], expires_at: dt.datetime | None
    ) -> tuple[ApiToken, str]:
        code, community = options["device"], options.get("community")
        if not community:
            raise _fail(_("设备令牌须用 --community 指定设备所属小区。"))
        device = Device.objects.select_related("community").filter(code=code).first()
        if device is None:
            raise _fail(_("设备“%(code)s”不存在。") % {"code": code})
        if device.community.code != community:
            raise _fail(
                _("设备“%(code)s”不属于小区“%(community)s”。") % {"code": code, "community": community}
            )
        return services.create_device_token(
            device, options.get("name") or device.code, by=None, expires_at=expires_at
        )

    @staticmethod
    def _expiry(days: int | None) -> dt.datetime | None:
        if days is None:
            return None
        if days <= 0:
            raise _fail(_("--expires-days 须为正整数。"))
        return timezone.now() + dt.timedelta(days=days)

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user", "device", "device__community").order_by("created_at")
        if username:
            if not User.objects.filter(username=username).exists():
                raise _fail(_("用户“%(name)s”不存在。") % {"name": username})
            tokens = tokens.filter(user__username=username)
        header = (_("前缀"), _("名称"), _("所属"), _("创建"), _("过期"), _("最近使用"), _("状态"))
        rows = [header]
        for t in tokens:
            if t.user is not None:
                owner = t.user.get_username()
            elif t.device is not None:
                owner = f"{_('设备')} {t.device.code}@{t.device.community.code}"
            else:
                owner = ""
            if t.revoked_at is not None:
                state = _("已吊销")
            elif not t.is_active:
                state = _("已过期")
            else:
                state = _("有效")
            rows.append(
                (t.prefix, t.name, owner, _day(t.created_at), _day(t.expires_at), _day(t.last_used_at), state)
            )
        if len(rows) == 1:
            self.stdout.write(_("没有令牌。"))
            return
        widths = [max(_width(r[i]) for r in rows) for i in range(len(header))]
        for row in rows:
            self.stdout.write("  ".join(_pad(c, widths[i]) for i, c in enumerate(row)).rstrip())

    def _revoke(self, prefix: str) -> None:
        matches = list(ApiToken.objects.select_related("device").filter(prefix=prefix))
        if not matches:
            raise _fail(_("没有前缀为“%(prefix)s”的令牌。") % {"prefix": prefix})
        if len(matches) > 1:
            raise _fail(_("前缀“%(prefix)s”对应多个令牌，无法确定要吊销哪一个。") % {"prefix": prefix})
        token = matches[0]
        if token.revoked_at is not None:
            self.stdout.write(_("令牌 %(prefix)s 已吊销，无需再次吊销。") % {"prefix": prefix})
            return
        try:
            services.revoke_token(token, by=None)
        except DomainError as exc:
            raise _fail(exc.detail) from exc
        self.stdout.write(_("已吊销令牌 %(prefix)s（%(name)s）。") % {"prefix": prefix, "name": token.name})


def _day(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
