"""JSON API of the registry (filled in by the registry API work)."""

from ninja import Router

router = Router()
