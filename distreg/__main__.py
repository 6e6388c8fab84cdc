"""Command line: ``python -m distreg demo [--out DIR]``, ``python -m distreg fit ...``."""

from __future__ import annotations

import argparse
import importlib
import sys

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


def _parser():
    p = argparse.ArgumentParser(
        prog="python -m distreg",
        description="distreg: distributional regression. Run the demo or fit a model to a CSV file.",
    )
    p.add_argument("--version", action="version", version=f"distreg {__version__}")
    sub = p.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="fit every family on bundled real data and write summaries and figures")
    demo.add_argument("--out", default="distreg-demo", help="output folder (default: ./distreg-demo)")
    demo.add_argument("--family", action="append", help="only this family (repeatable)")
    fit = sub.add_parser("fit", help="fit a model given by a formula to a CSV file and print its summary")
    fit.add_argument("model", choices=sorted(FIT_MODELS), help="which model")
    fit.add_argument("csv", help="path of the CSV file")
    fit.add_argument("--formula", required=True, help="formula, e.g. 'y ~ x1 + C(g)'")
    fit.add_argument("--scale-formula", help="formula of the scale parameter, e.g. '~ x1'")
    fit.add_argument("--distribution", help="integer model: poisson, negbin, dalap, hurdle_poisson, ...; "
                     "survival model: apgw, weibull, loglogistic, burr, gompertz, exponential")
    fit.add_argument("--zero-formula", help="integer model: formula of the zero part, e.g. '~ x1'")
    fit.add_argument("--scale", help="survival model: aft (covariates accelerate time) or ph (multiply the hazard)")
    fit.add_argument("--shape-formula", help="survival model: covariates of the shape γ, e.g. '~ sex'")
    fit.add_argument("--time", help="survival model: column of survival times (default: the formula's left side)")
    fit.add_argument("--event", help="survival model: column of event indicators (1 event, 0 censored)")
    fit.add_argument("--entry", help="survival model: column of delayed-entry (left-truncation) times")
    fit.add_argument("--lower", help="survival model, interval-censored: column of lower bounds")
    fit.add_argument("--upper", help="survival model, interval-censored: column of upper bounds (inf: right-censored)")
    fit.add_argument("--compare", action="store_true",
                     help="survival model: also print the table of nested special cases (AIC, BIC, LR tests)")
    return p


def main(argv=None) -> int:
    """Entry point of the command line."""
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from ._demo import run_demo

        written = run_demo(args.out, families=args.family)
        total = sum(len(v) for v in written.values())
        print(f"distreg demo: wrote {total} files under {args.out}")
        return 0
    if args.command == "fit":
        import pandas as pd

        module, cls_name, options = FIT_MODELS[args.model]
        cls = getattr(importlib.import_module(module), cls_name)
        data = pd.read_csv(args.csv)
        kwargs = {kw: getattr(args, opt) for opt, kw in options.items() if getattr(args, opt, None)}
        model = cls.from_formula(args.formula, data, **kwargs)
        print(model.summary())
        if args.compare:
            if not hasattr(model, "compare_special_cases"):
                raise ValueError(f"--compare applies to the survival model, not to {args.model!r}.")
            from .survival import compare_special_cases

            response = {k: v for k, v in kwargs.items() if k not in ("distribution", "scale", "shape_formula")}
            table = compare_special_cases(args.formula, data=data, scale=model.scale, **response)
            print()
            print(table.to_string())
        return 0
    _parser().print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
