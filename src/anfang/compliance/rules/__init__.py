"""Every rule of 营政发〔2015〕42号, one module per chapter; importing this package registers them."""

from anfang.compliance.rules import chapter2, chapter3, chapter4  # noqa: F401
from anfang.compliance.rules.base import RULES, CheckContext, Finding, ObjectRef, Rule, all_rules, register

__all__ = ["RULES", "CheckContext", "Finding", "ObjectRef", "Rule", "all_rules", "register"]
