"""Chapter 3 (第17–29条): design, products and acceptance."""

from __future__ import annotations

from collections.abc import Iterable

from anfang.compliance.rules.base import CheckContext, Finding, Rule, ref, register
from anfang.compliance.snapshot import SiteSnapshot


@register
class AcceptedBeforeUse(Rule):
    """R-29: nothing is in service without a passing acceptance record."""

    id = "R-29"
    article = "第29条"
    title_zh = "验收合格后方可投入使用"
    title_en = "Only accepted facilities are in use"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        for device in site.devices:
            if not device.in_service:
                continue
            if device.accepted:
                yield self.passed(
                    [ref(device)], f"“{device.name}”已验收合格。", f"“{device.name}” has passed acceptance."
                )
            else:
                yield self.failed(
                    [ref(device)],
                    f"“{device.name}”在用，但没有验收合格记录。",
                    f"“{device.name}” is in service without a passing acceptance record.",
                )
