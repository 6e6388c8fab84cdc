"""Command line: ``python -m distreg demo [--out DIR]``, ``python -m distreg fit ...``.

User errors (a missing or unreadable file, an unknown column, a bad formula, an option value
out of range, an option that does not apply to the chosen model, data that fail validation)
print one line ``distreg: error: ...`` to stderr and exit with status 2, like argparse's own
usage errors; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import warnings

from . import __version__

# model name for `fit` -> (module, class, {cli option: from_formula keyword})
FIT_MODELS = {
    "normal": ("distreg.continuous", "NormalRegressor", {"scale_formula": "scale_formula"}),
    "integer": ("distreg.discrete", "IntegerRegressor",
                {"distribution": "distribution", "zero_formula": "zero_formula"}),
    "survival": ("distreg.survival", "FlexibleSurvivalRegressor",
                 {"distribution": "distribution", "scale": "scale", "shape_formula": "shape_formula",
                  "time": "time", "event": "event", "entry": "entry", "lower": "lower", "upper": "upper"}),
}
# options of `fit` that are not passed to from_formula, and the models they apply to
_EXTRA_OPTIONS = {"compare": ("survival",)}


class UsageError(Exception):
    """A mistake in the command, the input file or the data: reported in one line, status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message} (see {self.prog} --help)")


def _parser():
    from ._demo import DEMOS

    p = _Parser(
        prog="python -m distreg",
        description="distreg: distributional regression. Run the demo or fit a model to a CSV file.",
    )
    p.add_argument("--version", action="version", version=f"distreg {__version__}")
    sub = p.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="fit every family on bundled real data and write summaries and figures")
    demo.add_argument("--out", default="distreg-demo", help="output folder (default: ./distreg-demo)")
    demo.add_argument("--family", action="append", choices=sorted(DEMOS), help="only this family (repeatable)")
    fit = sub.add_parser("fit", help="fit a model given by a formula to a CSV file and print its summary")
    fit.add_argument("model", choices=sorted(FIT_MODELS), help="which model")
    fit.add_argument("csv", help="path of the CSV file")
    fit.add_argument("--formula", required=True, help="formula, e.g. 'y ~ x1 + C(g)'")
    fit.add_argument("--scale-formula", help="normal model: formula of the scale parameter, e.g. '~ x1'")
    fit.add_argument("--distribution", help="integer model: poisson, negbin, dalap, hurdle_poisson, ...; "
                     "survival model: apgw, weibull, loglogistic, burr, gompertz, exponential")
    fit.add_argument("--zero-formula", help="integer model: formula of the zero part, e.g. '~ x1'")
    fit.add_argument("--scale", help="survival model: aft (covariates accelerate time) or ph (multiply the hazard)")
    fit.add_argument("--shape-formula", help="survival model: covariates of the shape γ, e.g. '~ sex'")
    fit.add_argument("--time", help="survival model: column of survival times (default: the formula's left side)")
    fit.add_argument("--event", help="survival model: column of event indicators (1 event, 0 censored; "
                     "without it every row is an event)")
    fit.add_argument("--entry", help="survival model: column of delayed-entry (left-truncation) times")
    fit.add_argument("--lower", help="survival model, interval-censored: column of lower bounds")
    fit.add_argument("--upper", help="survival model, interval-censored: column of upper bounds (inf: right-censored)")
    fit.add_argument("--compare", action="store_true",
                     help="survival model: also print the table of nested special cases (AIC, BIC, LR tests)")
    return p


def _option_models():
    """Each model-specific option of `fit` -> the models it applies to."""
    out = {opt: tuple(models) for opt, models in _EXTRA_OPTIONS.items()}
    for model, (_, _, options) in FIT_MODELS.items():
        for opt in options:
            out[opt] = out.get(opt, ()) + (model,)
    return out


def _check_options(args):
    """Reject options given for a model they do not apply to (instead of ignoring them)."""
    for opt, models in _option_models().items():
        value = getattr(args, opt, None)
        if value not in (None, False) and args.model not in models:
            flag = "--" + opt.replace("_", "-")
            owners = " and ".join(f"the {m} model" for m in models)
            raise UsageError(f"{flag} does not apply to the {args.model} model (it is an option of {owners}).")


def _read_csv(path):
    import pandas as pd

    try:
        data = pd.read_csv(path)
    except OSError as exc:
        raise UsageError(f"cannot read {path!r}: {exc.strerror or exc}.") from None
    except (ValueError, UnicodeDecodeError) as exc:  # pandas parser errors are ValueErrors
        raise UsageError(f"cannot read {path!r} as CSV: {_one_line(exc)}") from None
    if len(data) == 0:
        # a header without rows reads as text columns, which would be misreported as such
        raise UsageError(f"{path!r} has a header but no data rows.")
    return data


def _one_line(message) -> str:
    """A message on one line, without terminal colour codes (formula errors carry both)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(message))
    return " ".join(text.split())


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"distreg: warning: {_one_line(message)}", file=sys.stderr)


def _fit(args):
    module, cls_name, options = FIT_MODELS[args.model]
    _check_options(args)
    data = _read_csv(args.csv)
    kwargs = {kw: getattr(args, opt) for opt, kw in options.items() if getattr(args, opt, None)}
    if args.model == "survival" and not any(k in kwargs for k in ("event", "lower", "upper")):
        print("distreg: note: no --event column given, so every row is treated as an event (no "
              "censoring); pass --event COLUMN for censored data.", file=sys.stderr)
    cls = getattr(importlib.import_module(module), cls_name)
    model = cls.from_formula(args.formula, data, **kwargs)
    print(model.summary())
    if args.compare:
        from .survival import compare_special_cases

        response = {k: v for k, v in kwargs.items() if k not in ("distribution", "scale", "shape_formula")}
        table = compare_special_cases(args.formula, data=data, scale=model.scale, **response)
        print()
        print(table.to_string())
    return 0


def _run(argv):
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from ._demo import run_demo

        written = run_demo(args.out, families=args.family)
        total = sum(len(v) for v in written.values())
        print(f"distreg demo: wrote {total} files under {args.out}")
        return 0
    if args.command == "fit":
        return _fit(args)
    _parser().print_help()
    return 0


def main(argv=None) -> int:
    """Entry point of the command line; returns the exit status (2 for user errors).

    Examples
    --------
    >>> main(["fit", "normal", "no-such-file.csv", "--formula", "y ~ x"])
    2
    """
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            return _run(argv)
        except UsageError as exc:
            message = str(exc)
        except OSError as exc:  # e.g. an output folder that cannot be created
            message = f"{exc.strerror}: {exc.filename!r}." if exc.filename and exc.strerror else _one_line(exc)
        except (ValueError, TypeError) as exc:
            # validation errors of distreg and its dependencies: bad formulas, unknown columns,
            # option values out of range, data that fail the checks
            message = _one_line(exc)
    print(f"distreg: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
