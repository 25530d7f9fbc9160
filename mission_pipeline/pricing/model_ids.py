"""One spelling per model, whichever provider's spelling a transcript carries.

Providers name the same model differently: Anthropic's dated ids (`claude-3-5-haiku-20241022`),
Bedrock's inference profiles (`us.anthropic.claude-3-5-haiku-20241022-v1:0`), Vertex's `@` dates
(`claude-sonnet-4-5@20250929`), OpenRouter's vendor paths with dots (`anthropic/claude-sonnet-4.5`).
The price table lists each model once, so all of them must come down to the same key.
"""

from __future__ import annotations

import re

# Bedrock: an optional cross-region profile prefix, the vendor, and a version suffix.
_BEDROCK_REGION = re.compile(r"^(?:us|eu|apac|global|jp|au|ca|us-gov)\.(?=[a-z]+\.)")
_BEDROCK_VENDOR = re.compile(r"^anthropic\.")
_BEDROCK_VERSION = re.compile(r"-v\d+(?::\d+)*(?::\d+k)?$")
# Vertex dates a model after an `@`; Anthropic after a dash (or `-latest`).
_VERTEX_DATE = re.compile(r"@[^@/]*$")
_DATE_SUFFIX = re.compile(r"-(\d{8}|latest)$")
# Claude 3.x ids put the version before the family: claude-3-5-haiku is Haiku 3.5.
_VERSION_FIRST = re.compile(r"^claude-(\d+(?:-\d+)?)-(opus|sonnet|haiku)$")
_FAMILY_FIRST = re.compile(r"^claude-(opus|sonnet|haiku)-(3(?:-\d+)?)$")


def canonical_model_id(model: str) -> str:
    """The model's key in the price table: no provider or vendor prefix, no date or version suffix,
    dashes for dots, family before version (`claude-haiku-3-5`)."""
    name = model.strip().lower().rsplit("/", 1)[-1]
    name = _VERTEX_DATE.sub("", name)
    name = _BEDROCK_VENDOR.sub("", _BEDROCK_REGION.sub("", name))
    name = _BEDROCK_VERSION.sub("", name)
    name = name.replace(".", "-").replace("_", "-")
    name = _DATE_SUFFIX.sub("", name)
    version_first = _VERSION_FIRST.match(name)
    if version_first:
        name = f"claude-{version_first.group(2)}-{version_first.group(1)}"
    return name


def version_first_id(canonical: str) -> str | None:
    """Anthropic's own spelling of a Claude 3.x canonical id (`claude-haiku-3-5` is `claude-3-5-haiku`),
    for tables that only know that one; None for any other id."""
    family_first = _FAMILY_FIRST.match(canonical)
    if family_first is None:
        return None
    return f"claude-{family_first.group(2)}-{family_first.group(1)}"
