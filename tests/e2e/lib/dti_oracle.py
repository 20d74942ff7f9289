#!/usr/bin/env python3
"""Independent scorer of the commune DTI framework, 2024 edition.

Written from the specification (/work/shared/spec/framework-2024.md and
variables.md) only -- not from dti's C code nor from its framework JSON -- so
that the end-to-end differential test (tests/e2e/core-differential.sh) can
catch places where dti disagrees with the spec.  Python 3 standard library only.

Usage:
    dti_oracle.py [--normalisation=max|minmax] COMMUNES.csv INPUTS.csv [OUT.csv]

COMMUNES.csv is `code,name`; INPUTS.csv is long `commune_code,variable,value`
(other columns ignored; an empty value is no value).  OUT.csv (default stdout)
is `commune_code,item,points,flags`: items 1.1 ... 8.5, P1 ... P8, TOTAL and
RANK (whose points column holds the rank).  `flags` of an indicator is the
comma-separated sorted set of flags; where the spec allows more than one
reading the acceptable sets are separated by `|` (see AMBIGUOUS below).

Spec decisions implemented (framework-2024.md, "Common rules"):
  * a missing input, or a denominator <= 0, gives 0 points and the flag
    `missing` / `no_denominator`;
  * a numerator above its denominator is clamped (r = 1) and flagged
    `numerator_above_denominator` -- for every kind, cross_commune included;
  * ranking by total descending, equal totals share a rank (1, 2, 2, 4);
  * yes/no words: yes/no, true/false, 1/0, co/khong with diacritics, any case;
  * cross_commune default normalisation `max`: x / max, 0 when max = 0;
    `minmax` (selectable): (x - min) / (max - min), and when max = min every
    commune gets 1 if max > 0, else 0; communes whose x is missing are left out
    of min and max and get 0.
"""
import csv
import math
import sys
import unicodedata

# --- variables.md -----------------------------------------------------------
COUNT, AMOUNT, YESNO, ENUM = "count", "amount", "yesno", "enum"
VARIABLES = {}
for _n in ("population working_age_population households villages agencies "
           "civil_servants public_employees physical_servers workstations "
           "information_systems enterprises smes postal_points admin_procedures "
           "population_15plus schools_total pcs_total dx_meetings_chaired "
           "dx_meetings_total portal_dx_posts smartphone_users fiber_households "
           "villages_with_team officials_trained workers_trained onetouch_learners "
           "schools_dx pcs_antivirus portal_info_items_provided "
           "portal_info_items_required dvc_partial_services dvc_full_services "
           "dvc_partial_services_online dvc_full_services_online dossiers_total "
           "dossiers_online_partial dossiers_online_full work_records_online "
           "work_records_total docs_signed_personal docs_signed_total smes_smedx "
           "smes_digital_platform enterprises_econtract enterprises_etax "
           "postal_points_broadband ecommerce_orders parcels_total "
           "bank_accounts_15plus digital_signature_holders "
           "households_digital_address").split():
    VARIABLES[_n] = COUNT
for _n in ("dx_budget budget_spending_total digital_economy_spending "
           "digital_society_investment digital_society_recurrent").split():
    VARIABLES[_n] = AMOUNT
for _n in ("portal_dx_section radio_dx_segment party_dx_resolution dx_plan_5year "
           "dx_plan_annual dvc_promotion_doc sme_dx_doc tslcd_connected "
           "community_tech_team dx_staff infosec_doc "
           "online_meeting_all_devices").split():
    VARIABLES[_n] = YESNO
ENUMS = {"steering_head": ("chair", "deputy", "none"),
         "radio_dx_frequency": ("weekly", "monthly", "rarely")}
for _n in ENUMS:
    VARIABLES[_n] = ENUM

# "yes/no answers are accepted as yes/no, true/false, 1/0, có/không (any case)"
YES_WORDS = {"yes", "true", "1", "có"}
NO_WORDS = {"no", "false", "0", "không"}


def _fold(text):
    return unicodedata.normalize("NFC", text.strip()).lower()


def parse_value(variable, text):
    """The value of one observation, or None for an empty cell."""
    if variable not in VARIABLES:
        raise ValueError("unknown variable %r" % variable)
    if text is None or text.strip() == "":
        return None
    kind = VARIABLES[variable]
    if kind == YESNO:
        w = _fold(text)
        if w in YES_WORDS:
            return True
        if w in NO_WORDS:
            return False
        raise ValueError("%s: %r is not a yes/no word" % (variable, text))
    if kind == ENUM:
        w = _fold(text)
        if w not in ENUMS[variable]:
            raise ValueError("%s: %r is not one of %s" % (variable, text, ENUMS[variable]))
        return w
    x = float(text.strip())
    if not math.isfinite(x) or x < 0:
        raise ValueError("%s: %r is not a non-negative number" % (variable, text))
    if kind == COUNT and x != int(x):
        raise ValueError("%s: %r is not a whole number" % (variable, text))
    return x


# --- framework-2024.md, "The indicators" -------------------------------------
def _ind(iid, mx, kind, **kw):
    d = {"id": iid, "max": mx, "kind": kind}
    d.update(kw)
    return d


YN = "yesno"
PILLARS = [
    ("P1", 100, [
        _ind("1.1", 20, "tier", var="steering_head",
             fractions={"chair": 1.0, "deputy": 0.5, "none": 0.0}),
        _ind("1.2", 20, "ratio", num=["dx_meetings_chaired"], den=["dx_meetings_total"]),
        _ind("1.3", 20, "count_tiers", gate="portal_dx_section", var="portal_dx_posts",
             bands=[(10, 1.0), (5, 0.5), (1, 0.25), (0, 0.0)]),
        _ind("1.4", 20, YN, var="radio_dx_segment"),
        _ind("1.5", 20, "tier", var="radio_dx_frequency",
             fractions={"weekly": 1.0, "monthly": 0.5, "rarely": 0.0}),
    ]),
    ("P2", 100, [
        _ind("2.1", 20, YN, var="party_dx_resolution"),
        _ind("2.2", 20, YN, var="dx_plan_5year"),
        _ind("2.3", 20, YN, var="dx_plan_annual"),
        _ind("2.4", 20, YN, var="dvc_promotion_doc"),
        _ind("2.5", 20, YN, var="sme_dx_doc"),
    ]),
    ("P3", 100, [
        _ind("3.1", 35, "ratio", num=["smartphone_users"], den=["population"]),
        _ind("3.2", 35, "ratio", num=["fiber_households"], den=["households"]),
        _ind("3.3", 30, YN, var="tslcd_connected"),
    ]),
    ("P4", 100, [
        _ind("4.1", 20, YN, var="community_tech_team"),
        _ind("4.2", 20, "ratio", num=["villages_with_team"], den=["villages"]),
        _ind("4.3", 20, YN, var="dx_staff"),
        _ind("4.4", 10, "ratio", num=["officials_trained"],
             den=["civil_servants", "public_employees"]),
        _ind("4.5", 10, "ratio", num=["workers_trained"], den=["working_age_population"]),
        _ind("4.6", 10, "cross_commune", num=["onetouch_learners"], den=["population"]),
        _ind("4.7", 10, "ratio_threshold", num=["schools_dx"], den=["schools_total"], t=0.5),
    ]),
    ("P5", 100, [
        _ind("5.1", 50, YN, var="infosec_doc"),
        _ind("5.2", 50, "ratio", num=["pcs_antivirus"], den=["pcs_total"]),
    ]),
    ("P6", 200, [
        _ind("6.1", 30, "ratio", num=["portal_info_items_provided"],
             den=["portal_info_items_required"]),
        _ind("6.2", 40, "ratio",
             num=["dvc_partial_services_online", "dvc_full_services_online"],
             den=["dvc_partial_services", "dvc_full_services"]),
        _ind("6.3", 40, "ratio_threshold",
             num=["dossiers_online_partial", "dossiers_online_full"],
             den=["dossiers_total"], t=0.8),
        _ind("6.4", 20, YN, var="online_meeting_all_devices"),
        _ind("6.5", 40, "ratio_floor", num=["work_records_online"],
             den=["work_records_total"], f=0.6),
        _ind("6.6", 30, "ratio", num=["docs_signed_personal"], den=["docs_signed_total"]),
    ]),
    ("P7", 150, [
        _ind("7.1", 30, "ratio_threshold", num=["smes_smedx"], den=["smes"], t=0.10),
        _ind("7.2", 20, "ratio_threshold", num=["smes_digital_platform"], den=["smes"], t=0.5),
        _ind("7.3", 25, "ratio_threshold", num=["enterprises_econtract"],
             den=["enterprises"], t=0.8),
        _ind("7.4", 15, "ratio", num=["enterprises_etax"], den=["enterprises"]),
        _ind("7.5", 15, "ratio_threshold", num=["postal_points_broadband"],
             den=["postal_points"], t=0.5),
        _ind("7.6", 25, "ratio_threshold", num=["ecommerce_orders"],
             den=["parcels_total"], t=0.05),
        _ind("7.7", 20, "ratio_threshold", num=["digital_economy_spending"],
             den=["budget_spending_total"], t=0.0025),
    ]),
    ("P8", 150, [
        _ind("8.1", 30, "ratio_threshold", num=["bank_accounts_15plus"],
             den=["population_15plus"], t=0.8),
        _ind("8.2", 30, "ratio_threshold", num=["digital_signature_holders"],
             den=["population_15plus"], t=0.5),
        _ind("8.3", 30, "ratio", num=["households_digital_address"], den=["households"]),
        _ind("8.4", 30, "cross_commune", var="digital_society_investment"),
        _ind("8.5", 30, "cross_commune", var="digital_society_recurrent"),
    ]),
]
INDICATORS = [i for _, _, inds in PILLARS for i in inds]
MAX = {i["id"]: i["max"] for i in INDICATORS}
MAX.update({p: m for p, m, _ in PILLARS})
MAX["TOTAL"] = 1000
assert all(sum(i["max"] for i in inds) == m for _, m, inds in PILLARS)
assert sum(m for _, m, _ in PILLARS) == 1000

MISSING, NODEN, ABOVE = "missing", "no_denominator", "numerator_above_denominator"

# Where the spec can be read more than one way, the acceptable flag sets.
# (points are 0 in every reading, so only the flags are in question)
AMBIGUOUS = {
    # a numerator missing AND a denominator <= 0: both rules apply
    "missing_and_no_denominator": [{MISSING}, {NODEN}, {MISSING, NODEN}],
    # 1.3 with portal_dx_section = no and portal_dx_posts missing: the count
    # is not needed ("only when portal_dx_section = yes"), yet it is an input
    "gate_no_count_missing": [set(), {MISSING}],
    # cross_commune on a ratio whose denominator is <= 0: x is "missing"
    # (cross-commune paragraph) or the common no_denominator rule applies
    "cross_no_denominator": [{NODEN}, {MISSING}, {MISSING, NODEN}],
}


class Result:
    __slots__ = ("fraction", "flags", "x", "alternatives")

    def __init__(self, fraction=0.0, flags=(), x=None, alternatives=None):
        self.fraction = fraction
        self.flags = set(flags)
        self.x = x                      # cross_commune: the value normalised
        self.alternatives = alternatives  # list of acceptable flag sets, or None


def _ratio(inputs, num, den):
    """r = min(a/b, 1) with the common rules.  Returns (r or None, flags, alt)."""
    nv = [inputs.get(v) for v in num]
    dv = [inputs.get(v) for v in den]
    num_missing = any(v is None for v in nv)
    den_missing = any(v is None for v in dv)
    if den_missing:
        return None, {MISSING}, None
    b = sum(dv)
    if num_missing:
        if b <= 0:
            return None, {MISSING}, AMBIGUOUS["missing_and_no_denominator"]
        return None, {MISSING}, None
    if b <= 0:
        return None, {NODEN}, None
    a = sum(nv)
    if a > b:
        return 1.0, {ABOVE}, None
    return a / b, set(), None


def rule(ind, inputs):
    kind = ind["kind"]
    if kind == YN:
        v = inputs.get(ind["var"])
        if v is None:
            return Result(0.0, {MISSING})
        return Result(1.0 if v else 0.0)
    if kind == "tier":
        v = inputs.get(ind["var"])
        if v is None:
            return Result(0.0, {MISSING})
        return Result(ind["fractions"][v])
    if kind == "count_tiers":
        gate = inputs.get(ind["gate"])
        n = inputs.get(ind["var"])
        if gate is None:
            return Result(0.0, {MISSING})
        if gate is False:
            if n is None:
                return Result(0.0, set(), alternatives=AMBIGUOUS["gate_no_count_missing"])
            return Result(0.0)
        if n is None:
            return Result(0.0, {MISSING})
        for lo, frac in ind["bands"]:
            if n >= lo:
                return Result(frac)
        return Result(0.0)
    if kind in ("ratio", "ratio_threshold", "ratio_floor"):
        r, flags, alt = _ratio(inputs, ind["num"], ind["den"])
        if r is None:
            return Result(0.0, flags, alternatives=alt)
        if kind == "ratio":
            f = r
        elif kind == "ratio_threshold":
            f = 1.0 if r >= ind["t"] else r / ind["t"]
        else:
            f = r if r >= ind["f"] else 0.0
        return Result(f, flags)
    if kind == "cross_commune":
        if "var" in ind:
            v = inputs.get(ind["var"])
            if v is None:
                return Result(0.0, {MISSING})
            return Result(0.0, set(), x=v)
        r, flags, alt = _ratio(inputs, ind["num"], ind["den"])
        if r is None:
            if flags == {NODEN}:
                alt = AMBIGUOUS["cross_no_denominator"]
            return Result(0.0, flags, alternatives=alt)
        return Result(0.0, flags, x=r)
    raise AssertionError(kind)


def score(communes, inputs, normalisation="max"):
    """communes: list of codes; inputs: {code: {variable: parsed value}}.
    Returns {code: {item: (points, [acceptable flag sets])}} with RANK too."""
    res = {c: {} for c in communes}
    for ind in INDICATORS:
        per = {c: rule(ind, inputs.get(c, {})) for c in communes}
        if ind["kind"] == "cross_commune":
            xs = [r.x for r in per.values() if r.x is not None]
            hi = max(xs) if xs else 0.0
            lo = min(xs) if xs else 0.0
            for r in per.values():
                if r.x is None:
                    continue
                if normalisation == "max":
                    r.fraction = r.x / hi if hi > 0 else 0.0
                else:  # minmax
                    if hi == lo:
                        r.fraction = 1.0 if hi > 0 else 0.0
                    else:
                        r.fraction = (r.x - lo) / (hi - lo)
        for c, r in per.items():
            alts = r.alternatives if r.alternatives is not None else [r.flags]
            res[c][ind["id"]] = (r.fraction * ind["max"], [set(a) for a in alts])
    totals = {}
    for c in communes:
        ps = []
        for pid, _, inds in PILLARS:
            p = math.fsum(res[c][i["id"]][0] for i in inds)
            res[c][pid] = (p, None)
            ps.append(p)
        totals[c] = math.fsum(res[c][i["id"]][0] for i in INDICATORS)
        res[c]["TOTAL"] = (totals[c], None)
    for c in communes:
        res[c]["RANK"] = (1 + sum(1 for d in communes if totals[d] > totals[c]), None)
    return res


ITEMS = [i["id"] for i in INDICATORS] + [p for p, _, _ in PILLARS] + ["TOTAL", "RANK"]


def read_communes(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [r["code"].strip().zfill(5) for r in csv.DictReader(f)]


def read_inputs(path):
    out = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            code = r["commune_code"].strip().zfill(5)
            v = parse_value(r["variable"].strip(), r["value"])
            if v is not None:
                out.setdefault(code, {})[r["variable"].strip()] = v
    return out


def score_files(communes_csv, inputs_csv, normalisation="max"):
    communes = read_communes(communes_csv)
    return communes, score(communes, read_inputs(inputs_csv), normalisation)


def flags_text(alts):
    if alts is None:
        return ""
    return "|".join(",".join(sorted(a)) for a in alts)


def main(argv):
    norm = "max"
    if len(argv) > 1 and argv[1].startswith("--normalisation="):
        norm = argv.pop(1).split("=", 1)[1]
    if len(argv) not in (3, 4) or norm not in ("max", "minmax"):
        sys.stderr.write(__doc__)
        return 2
    communes, res = score_files(argv[1], argv[2], norm)
    out = open(argv[3], "w", encoding="utf-8", newline="") if len(argv) == 4 else sys.stdout
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["commune_code", "item", "points", "flags"])
    for c in communes:
        for item in ITEMS:
            pts, alts = res[c][item]
            w.writerow([c, item, repr(float(pts)) if item != "RANK" else pts, flags_text(alts)])
    if out is not sys.stdout:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
