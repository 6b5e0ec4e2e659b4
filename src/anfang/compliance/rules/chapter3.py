"""Chapter 3 (第17–29条): design, products and acceptance."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils import translation

from anfang.compliance.rules.base import CheckContext, Finding, ObjectRef, Rule, ref, register
from anfang.compliance.snapshot import Equipment, ModelInfo, SiteSnapshot
from anfang.devices.choices import CertificateTypeChoices, DeviceStatusChoices, IssuerLevelChoices
from anfang.devices.models import Certificate

# R-24 (第24条) concerns what is physically there: planned and retired devices are not installed.
INSTALLED_STATUSES = (
    DeviceStatusChoices.INSTALLED,
    DeviceStatusChoices.IN_SERVICE,
    DeviceStatusChoices.FAULTY,
)

CERTIFICATE_TYPE_EN: dict[str, str] = {
    CertificateTypeChoices.PRODUCTION_REGISTRATION: "production registration certificate",
    CertificateTypeChoices.CCC: "CCC certificate",
    CertificateTypeChoices.TEST_REPORT: "statutory test report",
}
ISSUER_LEVEL_EN: dict[str, str] = {
    IssuerLevelChoices.NATIONAL: "national",
    IssuerLevelChoices.PROVINCIAL: "provincial",
    IssuerLevelChoices.MUNICIPAL: "municipal",
    IssuerLevelChoices.OTHER: "other",
}
LISTED_CODES = 5  # device codes named in a message; details carry all of them


def zh_label(label: Any) -> str:
    """The Chinese source string of a (lazy) choice label, whatever language is active."""
    with translation.override(None):
        return str(label)


def _choice_label(choices: Any, value: str) -> Any:
    try:
        return choices(value).label
    except ValueError:
        return value


def cert_type_zh(value: str) -> str:
    return zh_label(_choice_label(CertificateTypeChoices, value))


def codes_zh(codes: list[str]) -> str:
    shown = "、".join(codes[:LISTED_CODES])
    return f"{shown}等 {len(codes)} 台" if len(codes) > LISTED_CODES else f"{shown}（共 {len(codes)} 台）"


def codes_en(codes: list[str]) -> str:
    shown = ", ".join(codes[:LISTED_CODES])
    more = f" and {len(codes) - LISTED_CODES} more" if len(codes) > LISTED_CODES else ""
    return f"{shown}{more} ({len(codes)} device{'s' if len(codes) != 1 else ''})"


def _cert_json(cert: Certificate, day: dt.date) -> dict[str, Any]:
    return {
        "type": cert.certificate_type,
        "number": cert.number,
        "issuer": cert.issuer,
        "issuer_level": cert.issuer_level,
        "issued_on": cert.issued_on.isoformat() if cert.issued_on else None,
        "expires_on": cert.expires_on.isoformat() if cert.expires_on else None,
        "valid": cert.is_valid_on(day),
    }


def _why_invalid(cert: Certificate, day: dt.date) -> tuple[str, str]:
    """Why ``cert`` does not satisfy 第24条 on ``day``, in Chinese and English."""
    name_zh = f"{cert_type_zh(cert.certificate_type)} {cert.number}"
    name_en = f"{CERTIFICATE_TYPE_EN.get(cert.certificate_type, cert.certificate_type)} {cert.number}"
    if cert.expires_on is not None and cert.expires_on < day:
        days = (day - cert.expires_on).days
        return (
            f"{name_zh} 已于 {cert.expires_on.isoformat()} 过期（{days} 天前）",
            f"{name_en} expired on {cert.expires_on.isoformat()} ({days} days ago)",
        )
    if cert.issued_on is not None and cert.issued_on > day:
        return (
            f"{name_zh} 的发证日期 {cert.issued_on.isoformat()} 尚未到",
            f"{name_en} is only issued on {cert.issued_on.isoformat()}",
        )
    level_zh = zh_label(_choice_label(IssuerLevelChoices, cert.issuer_level))
    level_en = ISSUER_LEVEL_EN.get(cert.issuer_level, cert.issuer_level)
    return (
        f"{name_zh} 由{level_zh}机关（{cert.issuer}）颁发，生产登记批准书须由省级以上公安机关颁发",
        f"{name_en} was issued by a {level_en} authority ({cert.issuer}); a production registration "
        "certificate must come from a provincial or higher authority",
    )


def model_ref(model: ModelInfo) -> ObjectRef:
    return ObjectRef("device_model", model.code or model.label, model.label)


@register
class CertifiedProducts(Rule):
    """R-24: every installed, in-service or faulty device is of a model with a certificate valid today.

    Checks: one finding per device model in use, listing its devices; one per device without a model.
    Fails: the model has no certificate valid today (expired, not yet issued, or a production
    registration certificate from below provincial level), or the device has no model recorded.
    """

    id = "R-24"
    article = "第24条"
    title_zh = "安装使用的技防产品具有有效的生产登记批准书或检验/认证证书"
    title_en = "Installed products hold a valid registration certificate or test/certification report"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        day = ctx.today
        by_model: dict[int, list[Equipment]] = defaultdict(list)
        for device in site.devices:
            if device.status not in INSTALLED_STATUSES:
                continue
            if device.model_id is None or device.model_id not in site.models:
                yield self.failed(
                    [ref(device)],
                    f"设备“{device.name}”（{device.code}）没有登记设备型号，无法核验产品证书。",
                    f"Device “{device.name}” ({device.code}) has no device model, so its certificate "
                    "cannot be verified.",
                    reason="no_model",
                    device_status=device.status,
                )
                continue
            by_model[device.model_id].append(device)
        for model_id, devices in sorted(by_model.items(), key=lambda item: site.models[item[0]].label):
            yield self._check_model(site.models[model_id], [d.code for d in devices], day)

    def _check_model(self, model: ModelInfo, codes: list[str], day: dt.date) -> Finding:
        details: dict[str, Any] = {
            "devices": codes,
            "certificates": [_cert_json(c, day) for c in model.certificates],
        }
        valid = [c for c in model.certificates if c.is_valid_on(day)]
        if valid:
            # The one that stays valid longest (no expiry date = open-ended).
            best = max(valid, key=lambda c: c.expires_on or dt.date.max)
            until_zh = f"有效期至 {best.expires_on.isoformat()}" if best.expires_on else "长期有效"
            until_en = f"valid until {best.expires_on.isoformat()}" if best.expires_on else "open-ended"
            return self.passed(
                [model_ref(model)],
                f"型号“{model.label}”持有效证书 {cert_type_zh(best.certificate_type)} "
                f"{best.number}，{until_zh}；设备 {codes_zh(codes)}。",
                f"Model “{model.label}” holds a valid "
                f"{CERTIFICATE_TYPE_EN.get(best.certificate_type, best.certificate_type)} {best.number}, "
                f"{until_en}; devices {codes_en(codes)}.",
                certificate=best.number,
                expires_on=best.expires_on.isoformat() if best.expires_on else None,
                **details,
            )
        if not model.certificates:
            return self.failed(
                [model_ref(model)],
                f"型号“{model.label}”没有登记任何产品证书；在装设备 {codes_zh(codes)}。",
                f"Model “{model.label}” has no certificate on record; installed devices {codes_en(codes)}.",
                reason="no_certificate",
                **details,
            )
        reasons = [_why_invalid(c, day) for c in model.certificates]
        expired = [
            c.expires_on for c in model.certificates if c.expires_on is not None and c.expires_on < day
        ]
        return self.failed(
            [model_ref(model)],
            f"型号“{model.label}”没有有效证书："
            + "；".join(zh for zh, _ in reasons)
            + f"。在装设备 {codes_zh(codes)}。",
            f"Model “{model.label}” has no valid certificate: "
            + "; ".join(en for _, en in reasons)
            + f". Installed devices {codes_en(codes)}.",
            reason="expired" if len(expired) == len(model.certificates) else "invalid",
            expired_on=max(expired).isoformat() if expired else None,
            **details,
        )


@register
class AcceptedBeforeUse(Rule):
    """R-29: nothing is in service without a passing acceptance record.

    Checks: every device in service (one finding each).
    Fails: the device has no passing acceptance (验收合格) record.
    """

    id = "R-29"
    article = "第29条"
    title_zh = "验收合格后方可投入使用"
    title_en = "Only accepted facilities are in use"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        for device in site.devices:
            if not device.in_service:
                continue
            if device.accepted:
                accepted_on = device.accepted_on.isoformat() if device.accepted_on else None
                yield self.passed(
                    [ref(device)],
                    f"“{device.name}”（{device.code}）于 {accepted_on or '—'} 验收合格。",
                    f"“{device.name}” ({device.code}) passed acceptance on {accepted_on or '—'}.",
                    accepted_on=accepted_on,
                )
            else:
                yield self.failed(
                    [ref(device)],
                    f"“{device.name}”（{device.code}）在用，但没有验收合格记录。",
                    f"“{device.name}” ({device.code}) is in service without a passing acceptance record.",
                    accepted_on=None,
                )
