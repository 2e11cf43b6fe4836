"""One declaration per public op: what the tests and the support table are generated from.

``@register_op(...)`` records metadata and returns the function unchanged, so
it costs nothing per call.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OpInfo:
    name: str
    func: object
    module: str
    differentiable: bool = True
    #: "exact" (bitwise on every engine), "float" (rounding only) or "loose"
    #: (documented algorithmic differences, e.g. thresholds on float32)
    tolerance: str = "float"
    integer_input: bool = False
    #: engine name -> reason it is not supported
    unsupported: dict = field(default_factory=dict)
    #: kernel builders and other functions with no array input
    factory: bool = False


OPS: dict[str, OpInfo] = {}


def register_op(
    *, differentiable=True, tolerance="float", integer_input=False, unsupported=None, factory=False
):
    def deco(func):
        module = (
            func.__module__.rsplit(".", 1)[0] if func.__module__.count(".") > 1 else func.__module__
        )
        old = OPS.get(func.__name__)
        if old is not None and old.module != module:  # one name, one op: the tests key on it
            raise ValueError(f"register_op: {func.__name__!r} is registered by {old.module}")
        OPS[func.__name__] = OpInfo(
            func.__name__,
            func,
            module,
            differentiable,
            tolerance,
            integer_input,
            dict(unsupported or {}),
            factory,
        )
        return func

    return deco


def support_table() -> str:
    """Markdown table of every public op: module, differentiable, engines."""
    from portvision.backends import known_engines

    engines = known_engines()
    rows = [
        "| op | module | differentiable | " + " | ".join(engines) + " |",
        "|---|---|---|" + "---|" * len(engines),
    ]
    for info in sorted(OPS.values(), key=lambda i: (i.module, i.name)):
        cells = [info.unsupported.get(e, "yes") for e in engines]
        rows.append(
            f"| `{info.name}` | {info.module} | {'yes' if info.differentiable else 'no'} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(rows)
