#!/usr/bin/env python3
"""Regenerate ferroform's price table (dsl/data/prices.json) from AWS Price List offer files.

    python3 tools/prices/regenerate.py --download DIR
    python3 tools/prices/regenerate.py --offers DIR [--out dsl/data/prices.json] [--date YYYY-MM-DD]

`--download DIR` fetches the offer files this script reads from the public AWS Price List
bulk API (no credentials), for the regions of the existing table only. `--offers DIR` reads
them and rewrites the table: the numbers are replaced, while the price catalogue (unit, what,
source), the region names, `ec2_source` and the `assumptions` are kept from the existing
table (`--template`, by default the `--out` file), since none of these is in the Price List.

Offer files in DIR, for each service code (AmazonECS, AmazonEC2, AWSELB, AmazonVPC,
AmazonCloudWatch, AmazonECR, AWSSecretsManager, awskms), any of:

    DIR/<code>.json              a whole offer file (every region), JSON
    DIR/<code>.csv               a whole offer file, CSV
    DIR/<code>/<anything>.json   regional offer files (what --download writes), JSON
    DIR/<code>/<anything>.csv    regional offer files, CSV (what --download writes for AmazonEC2)

JSON files are read whole. CSV files are read row by row and only the rows that can match
are kept, which is why --download fetches AmazonEC2 (hundreds of MB per region) as CSV.

A price is chosen by its product's attributes (region, usage type without the region's
usage-type prefix, product family and a few more) and its On-Demand term. The script stops
with an error naming the key and the region when no product matches, or when products that
match disagree on the price. An EC2 instance type that a region does not offer is left out
of that region (and listed on stderr).

Standard library only (Python 3.9+).
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import json
import os
import shutil
import sys
import urllib.request
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

PRICING_BASE = "https://pricing.us-east-1.amazonaws.com"
OFFER_INDEX_URL = PRICING_BASE + "/offers/v1.0/aws/index.json"

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "dsl" / "data" / "prices.json"

# The prefix AWS puts on usage types outside us-east-1. In us-east-1 most usage types are
# bare ("NatGateway-Hours"), some carry "USE1-" ("USE1-Fargate-vCPU-Hours:perCPU"), and a
# few services (KMS) put the region code in front ("eu-west-1-KMS-Keys"); all three forms
# are accepted in every region, the product's regionCode decides the region.
USAGE_PREFIX = {
    "us-east-1": "USE1",
    "us-east-2": "USE2",
    "us-west-1": "USW1",
    "us-west-2": "USW2",
    "ca-central-1": "CAN1",
    "eu-west-1": "EU",
    "eu-west-2": "EUW2",
    "eu-west-3": "EUW3",
    "eu-central-1": "EUC1",
    "eu-north-1": "EUN1",
    "eu-south-1": "EUS1",
    "ap-southeast-1": "APS1",
    "ap-southeast-2": "APS2",
    "ap-south-1": "APS3",
    "ap-northeast-1": "APN1",
    "ap-northeast-2": "APN2",
    "ap-northeast-3": "APN3",
    "ap-east-1": "APE1",
    "sa-east-1": "SAE1",
    "me-south-1": "MES1",
    "af-south-1": "AFS1",
}

# Price List `location` values, used only for products that have no `regionCode` attribute
# (older offer files). AWS has written both "EU (...)" and "Europe (...)".
LOCATIONS = {
    "us-east-1": ("US East (N. Virginia)",),
    "us-east-2": ("US East (Ohio)",),
    "us-west-1": ("US West (N. California)",),
    "us-west-2": ("US West (Oregon)",),
    "eu-west-1": ("EU (Ireland)", "Europe (Ireland)"),
    "eu-central-1": ("EU (Frankfurt)", "Europe (Frankfurt)"),
    "ap-southeast-1": ("Asia Pacific (Singapore)",),
}

# key -> (offer code, attributes that must be equal, usage types without region prefix)
# "productFamily" is matched like an attribute.
PRICE_SPECS: Dict[str, Tuple[str, Dict[str, str], Tuple[str, ...]]] = {
    "fargate_x86_vcpu_hour": ("AmazonECS", {"productFamily": "Compute"}, ("Fargate-vCPU-Hours:perCPU",)),
    "fargate_x86_gb_hour": ("AmazonECS", {"productFamily": "Compute"}, ("Fargate-GB-Hours",)),
    "fargate_arm_vcpu_hour": ("AmazonECS", {"productFamily": "Compute"}, ("Fargate-ARM-vCPU-Hours:perCPU",)),
    "fargate_arm_gb_hour": ("AmazonECS", {"productFamily": "Compute"}, ("Fargate-ARM-GB-Hours",)),
    "fargate_ephemeral_gb_hour": ("AmazonECS", {}, ("Fargate-EphemeralStorage-GB-Hours",)),
    "alb_hour": ("AWSELB", {"productFamily": "Load Balancer-Application"}, ("LoadBalancerUsage",)),
    "alb_lcu_hour": ("AWSELB", {"productFamily": "Load Balancer-Application"}, ("LCUUsage",)),
    "nlb_hour": ("AWSELB", {"productFamily": "Load Balancer-Network"}, ("LoadBalancerUsage",)),
    "nlb_lcu_hour": ("AWSELB", {"productFamily": "Load Balancer-Network"}, ("LCUUsage",)),
    "nat_gateway_hour": ("AmazonEC2", {"productFamily": "NAT Gateway"}, ("NatGateway-Hours",)),
    "nat_gateway_gb": ("AmazonEC2", {"productFamily": "NAT Gateway"}, ("NatGateway-Bytes",)),
    "public_ipv4_hour": ("AmazonVPC", {}, ("PublicIPv4:InUseAddress",)),
    "interface_endpoint_hour": ("AmazonVPC", {}, ("VpcEndpoint-Hours",)),
    "logs_ingest_gb": ("AmazonCloudWatch", {}, ("DataProcessing-Bytes",)),
    "ebs_gp3_gb_month": ("AmazonEC2", {"productFamily": "Storage", "volumeApiName": "gp3"}, ("EBS:VolumeUsage.gp3",)),
    "ebs_gp2_gb_month": ("AmazonEC2", {"productFamily": "Storage", "volumeApiName": "gp2"}, ("EBS:VolumeUsage.gp2",)),
    "ebs_io1_gb_month": ("AmazonEC2", {"productFamily": "Storage", "volumeApiName": "io1"}, ("EBS:VolumeUsage.piops",)),
    "ebs_io2_gb_month": ("AmazonEC2", {"productFamily": "Storage", "volumeApiName": "io2"}, ("EBS:VolumeUsage.io2",)),
    "ebs_st1_gb_month": ("AmazonEC2", {"productFamily": "Storage", "volumeApiName": "st1"}, ("EBS:VolumeUsage.st1",)),
    "ebs_sc1_gb_month": ("AmazonEC2", {"productFamily": "Storage", "volumeApiName": "sc1"}, ("EBS:VolumeUsage.sc1",)),
    "ebs_standard_gb_month": ("AmazonEC2", {"productFamily": "Storage", "volumeApiName": "standard"}, ("EBS:VolumeUsage",)),
    "ecr_storage_gb_month": ("AmazonECR", {}, ("TimedStorage-ByteHrs",)),
    "secret_month": ("AWSSecretsManager", {}, ("AWSSecretsManager-Secrets", "AWSSecretsManager-Secret")),
    "kms_key_month": ("awskms", {}, ("KMS-Keys",)),
    "alarm_month": ("AmazonCloudWatch", {}, ("CW:AlarmMonitorUsage",)),
}

# On-Demand, Linux, shared tenancy, no pre-installed software, capacity actually used.
EC2_FILTER = {
    "productFamily": "Compute Instance",
    "operatingSystem": "Linux",
    "tenancy": "Shared",
    "preInstalledSw": "NA",
    "capacitystatus": "Used",
}
# Checked only when the product has the attribute.
EC2_FILTER_IF_PRESENT = {"licenseModel": "No License required", "marketoption": "OnDemand"}

INSTANCE_TYPES = (
    "t3.micro t3.small t3.medium t3.large t3.xlarge "
    "t3a.micro t3a.small t3a.medium t3a.large "
    "t4g.micro t4g.small t4g.medium t4g.large t4g.xlarge "
    "m5.large m5.xlarge m5.2xlarge m6i.large m6i.xlarge m6i.2xlarge "
    "m6g.large m6g.xlarge m6g.2xlarge m7g.large m7g.xlarge m7i.large m7i.xlarge "
    "c5.large c5.xlarge c6g.large c6g.xlarge c6i.large c6i.xlarge c7g.large c7g.xlarge "
    "r5.large r5.xlarge r6g.large r6g.xlarge r6i.large"
).split()

SERVICES = sorted({spec[0] for spec in PRICE_SPECS.values()} | {"AmazonEC2"})

# CSV offer files name attributes differently from JSON ones.
CSV_COLUMNS = {
    "Product Family": "productFamily",
    "Region Code": "regionCode",
    "Location": "location",
    "usageType": "usagetype",
    "operation": "operation",
    "Instance Type": "instanceType",
    "Operating System": "operatingSystem",
    "Tenancy": "tenancy",
    "Pre Installed S/W": "preInstalledSw",
    "CapacityStatus": "capacitystatus",
    "License Model": "licenseModel",
    "Volume API Name": "volumeApiName",
    "MarketOption": "marketoption",
    "Group": "group",
}

TOP_LEVEL_ORDER = ("date", "currency", "hours_per_month", "prices", "ec2_source", "regions", "assumptions")


class PriceError(Exception):
    """A price that is missing or ambiguous, or an unusable input."""


# --------------------------------------------------------------------------- reading offers

class Dim:
    """One On-Demand price dimension of a SKU."""

    __slots__ = ("price", "unit", "begin", "description")

    def __init__(self, price: Decimal, unit: str, begin: Decimal, description: str):
        self.price = price
        self.unit = unit
        self.begin = begin
        self.description = description


def _decimal(text: str, what: str) -> Decimal:
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError):
        raise PriceError(f"unreadable number {text!r} in {what}") from None


def _begin(text: Optional[str]) -> Decimal:
    try:
        return Decimal(text) if text not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def offer_files(offers: Path, code: str) -> List[Path]:
    """The offer files of one service in an --offers directory, in a stable order."""
    files = [offers / f"{code}.json", offers / f"{code}.csv"]
    found = [f for f in files if f.is_file()]
    sub = offers / code
    if sub.is_dir():
        found += sorted(p for p in sub.iterdir() if p.is_file() and p.suffix in (".json", ".csv"))
    return found


def read_json_offer(path: Path) -> Tuple[Optional[str], Iterator[Tuple[str, Dict[str, str], List[Dim]]]]:
    with path.open("rb") as fh:
        data = json.load(fh)
    if not isinstance(data, dict) or "products" not in data:
        raise PriceError(f"{path}: not a Price List offer file (no 'products')")
    ondemand = (data.get("terms") or {}).get("OnDemand") or {}

    def records() -> Iterator[Tuple[str, Dict[str, str], List[Dim]]]:
        for sku, product in data["products"].items():
            attrs = dict(product.get("attributes") or {})
            attrs["productFamily"] = product.get("productFamily", "")
            dims: List[Dim] = []
            for term in (ondemand.get(sku) or {}).values():
                for dim in (term.get("priceDimensions") or {}).values():
                    usd = (dim.get("pricePerUnit") or {}).get("USD")
                    if usd is None:
                        continue
                    dims.append(Dim(_decimal(usd, f"{path} SKU {sku}"), dim.get("unit", ""),
                                    _begin(dim.get("beginRange")), dim.get("description", "")))
            yield sku, attrs, dims

    return data.get("publicationDate"), records()


def read_csv_offer(path: Path, keep) -> Tuple[Optional[str], Iterator[Tuple[str, Dict[str, str], List[Dim]]]]:
    """Stream a CSV offer file; `keep(attrs)` drops rows that cannot match early."""
    published = None
    grouped: Dict[str, Tuple[Dict[str, str], List[Dim]]] = {}
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = None
        for row in reader:
            if header is None:
                if len(row) >= 2 and row[0] == "Publication Date":
                    published = row[1]
                if row and row[0] == "SKU":
                    header = row
                    col = {name: i for i, name in enumerate(header)}
                    for needed in ("SKU", "TermType", "PricePerUnit", "Unit"):
                        if needed not in col:
                            raise PriceError(f"{path}: CSV header has no {needed!r} column")
                continue
            if len(row) != len(header):
                continue
            if row[col["TermType"]] != "OnDemand":
                continue
            if "Currency" in col and row[col["Currency"]] != "USD":
                continue
            attrs = {CSV_COLUMNS.get(name, name): row[i] for i, name in enumerate(header)
                     if name in CSV_COLUMNS}
            if not keep(attrs):
                continue
            sku = row[col["SKU"]]
            dim = Dim(_decimal(row[col["PricePerUnit"]], f"{path} SKU {sku}"), row[col["Unit"]],
                      _begin(row[col["StartingRange"]] if "StartingRange" in col else None),
                      row[col["PriceDescription"]] if "PriceDescription" in col else "")
            entry = grouped.setdefault(sku, (attrs, []))
            entry[1].append(dim)
    if header is None:
        raise PriceError(f"{path}: not a Price List CSV offer file (no 'SKU' header row)")

    def records() -> Iterator[Tuple[str, Dict[str, str], List[Dim]]]:
        for sku in sorted(grouped):
            attrs, dims = grouped[sku]
            yield sku, attrs, dims

    return published, records()


# --------------------------------------------------------------------------- matching

def product_region(attrs: Dict[str, str], regions: Iterable[str]) -> Optional[str]:
    code = attrs.get("regionCode")
    if code:
        return code
    location = attrs.get("location", "")
    for region in regions:
        if location in LOCATIONS.get(region, ()):
            return region
    return None


def usage_names(base: str, region: str) -> Tuple[str, ...]:
    names = [base, f"{region}-{base}"]
    if region in USAGE_PREFIX:
        names.append(f"{USAGE_PREFIX[region]}-{base}")
    return tuple(names)


def list_price(dims: List[Dim]) -> Optional[Dim]:
    """The list price of a SKU: its only dimension, or the first paid tier of a tiered one."""
    if not dims:
        return None
    if len(dims) == 1:
        return dims[0]
    paid = [d for d in dims if d.price > 0]
    pool = paid or dims
    return min(pool, key=lambda d: d.begin)


class Candidates:
    """Prices found for (key, region), with the SKUs they came from."""

    def __init__(self):
        self.found: Dict[Tuple[str, str], Dict[Decimal, List[str]]] = {}

    def add(self, key: str, region: str, price: Decimal, where: str) -> None:
        self.found.setdefault((key, region), {}).setdefault(price, []).append(where)

    def get(self, key: str, region: str) -> Dict[Decimal, List[str]]:
        return self.found.get((key, region), {})


def match_record(sku: str, attrs: Dict[str, str], dims: List[Dim], code: str, source: str,
                 regions: Tuple[str, ...], cands: Candidates) -> None:
    region = product_region(attrs, regions)
    if region not in regions:
        return
    usagetype = attrs.get("usagetype", "")
    where = f"{source} SKU {sku}"
    for key, (spec_code, wanted, bases) in PRICE_SPECS.items():
        if spec_code != code:
            continue
        if any(attrs.get(name) != value for name, value in wanted.items()):
            continue
        if not any(usagetype in usage_names(base, region) for base in bases):
            continue
        dim = list_price(dims)
        if dim is not None:
            cands.add(key, region, dim.price, where)
    if code == "AmazonEC2":
        itype = attrs.get("instanceType", "")
        if itype not in INSTANCE_TYPES:
            return
        if any(attrs.get(name) != value for name, value in EC2_FILTER.items()):
            return
        if any(name in attrs and attrs[name] != value for name, value in EC2_FILTER_IF_PRESENT.items()):
            return
        if usagetype not in usage_names(f"BoxUsage:{itype}", region):
            return
        dim = list_price(dims)
        if dim is not None:
            cands.add(f"ec2:{itype}", region, dim.price, where)


def ec2_keep(regions: Tuple[str, ...]):
    """Early filter for CSV rows: only what some spec or the EC2 table can use."""
    families = {"NAT Gateway", "Storage", "Compute Instance"} | {
        spec[1].get("productFamily") for spec in PRICE_SPECS.values() if spec[1].get("productFamily")}

    def keep(attrs: Dict[str, str]) -> bool:
        if product_region(attrs, regions) not in regions:
            return False
        family = attrs.get("productFamily", "")
        if family == "Compute Instance":
            return attrs.get("instanceType") in INSTANCE_TYPES and attrs.get("operatingSystem") == "Linux"
        return family in families or "productFamily" not in attrs

    return keep


def collect(offers: Path, regions: Tuple[str, ...]) -> Tuple[Candidates, List[str], List[str]]:
    """Read every offer file; return the candidates, publication dates and missing services."""
    cands = Candidates()
    dates: List[str] = []
    missing_services: List[str] = []
    keep = ec2_keep(regions)
    for code in SERVICES:
        files = offer_files(offers, code)
        if not files:
            missing_services.append(code)
            continue
        for path in files:
            if path.suffix == ".csv":
                published, records = read_csv_offer(path, keep)
            else:
                published, records = read_json_offer(path)
            if published:
                dates.append(published[:10])
            source = str(path.relative_to(offers))
            for sku, attrs, dims in records:
                match_record(sku, attrs, dims, code, source, regions, cands)
    return cands, dates, missing_services


# --------------------------------------------------------------------------- building the table

def as_number(price: Decimal):
    """A JSON number for a price, as published (trailing zeros of the Price List dropped)."""
    text = format(price.normalize(), "f")
    if "." not in text:
        return int(text)
    return float(text)


def describe_spec(key: str, region: str) -> str:
    code, wanted, bases = PRICE_SPECS[key]
    parts = [f"{code}", "usagetype " + " or ".join(repr(n) for b in bases for n in usage_names(b, region))]
    parts += [f"{k}={v!r}" for k, v in wanted.items()]
    return ", ".join(parts)


def build_table(template: dict, cands: Candidates, date: str) -> Tuple[dict, List[str], List[str]]:
    """The new table, the errors (missing/ambiguous prices) and notes (omitted instance types)."""
    errors: List[str] = []
    notes: List[str] = []
    catalogue = template["prices"]
    unknown = [k for k in catalogue if k not in PRICE_SPECS]
    if unknown:
        errors.append("the table's price catalogue has keys this script cannot price: " + ", ".join(unknown))
    regions_out = {}
    for region, info in template["regions"].items():
        prices = {}
        for key in catalogue:
            if key not in PRICE_SPECS:
                continue
            found = cands.get(key, region)
            if not found:
                errors.append(f"missing price: key {key!r} in region {region!r} "
                              f"(no On-Demand product matched: {describe_spec(key, region)})")
                continue
            if len(found) > 1:
                detail = "; ".join(f"{format(p.normalize(), 'f')} from {', '.join(w[:3])}"
                                   for p, w in sorted(found.items()))
                errors.append(f"ambiguous price: key {key!r} in region {region!r} "
                              f"(matching products disagree: {detail})")
                continue
            prices[key] = as_number(next(iter(found)))
        ec2 = {}
        for itype in INSTANCE_TYPES:
            found = cands.get(f"ec2:{itype}", region)
            if not found:
                notes.append(f"note: {itype} has no On-Demand Linux price in {region}; left out of that region")
                continue
            if len(found) > 1:
                detail = "; ".join(f"{format(p.normalize(), 'f')} from {', '.join(w[:3])}"
                                   for p, w in sorted(found.items()))
                errors.append(f"ambiguous price: EC2 instance type {itype!r} in region {region!r} "
                              f"(matching products disagree: {detail})")
                continue
            ec2[itype] = as_number(next(iter(found)))
        regions_out[region] = {"name": info["name"], "prices": prices, "ec2_linux_hour": ec2}
    table = {
        "date": date,
        "currency": template.get("currency", "USD"),
        "hours_per_month": template.get("hours_per_month", 730),
        "prices": catalogue,
        "ec2_source": template["ec2_source"],
        "regions": regions_out,
        "assumptions": template["assumptions"],
    }
    return table, errors, notes


def render(table: dict) -> str:
    """The table as text: fixed key order, two-space indent, a final newline. Byte-stable."""
    ordered = {k: table[k] for k in TOP_LEVEL_ORDER if k in table}
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"


def regenerate(offers: Path, template_path: Path, out: Path, date: Optional[str]) -> List[str]:
    """Rewrite `out` from the offer files; raise PriceError listing every problem."""
    try:
        template = json.loads(template_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PriceError(f"no existing table at {template_path} (it supplies the catalogue, region "
                         "names and assumptions; pass --template)") from None
    for field in ("prices", "regions", "assumptions", "ec2_source"):
        if field not in template:
            raise PriceError(f"{template_path}: no {field!r} in the existing table")
    if not offers.is_dir():
        raise PriceError(f"--offers {offers}: not a directory")
    regions = tuple(template["regions"])
    cands, dates, missing_services = collect(offers, regions)
    if date is None:
        date = max(dates) if dates else _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    _dt.date.fromisoformat(date)
    table, errors, notes = build_table(template, cands, date)
    for code in missing_services:
        errors.insert(0, f"no offer file for {code} in {offers} (expected {code}.json, {code}.csv "
                         f"or {code}/*.json|csv)")
    for note in notes:
        print(note, file=sys.stderr)
    if errors:
        raise PriceError("\n".join(errors))
    text = render(table)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return notes


# --------------------------------------------------------------------------- downloading

def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=120) as resp:
        return json.load(resp)


def _save(url: str, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    print(f"downloading {url} -> {dest}", file=sys.stderr)
    with urllib.request.urlopen(url, timeout=900) as resp, tmp.open("wb") as fh:
        shutil.copyfileobj(resp, fh, 1 << 20)
    os.replace(tmp, dest)


def download(dest: Path, regions: Tuple[str, ...]) -> None:
    """Fetch the current regional offer files of every service for `regions` into `dest`.

    index.json -> each offer's currentRegionIndexUrl -> each region's currentVersionUrl.
    AmazonEC2 is fetched as CSV (same URL, .csv instead of .json) so that --offers can
    stream it; every other offer as JSON. Writes DIR/<code>/<region>.json|csv.
    """
    index = _get_json(OFFER_INDEX_URL)
    for code in SERVICES:
        offer = (index.get("offers") or {}).get(code)
        if not offer or "currentRegionIndexUrl" not in offer:
            raise PriceError(f"offer index has no regional index for {code}")
        region_index = _get_json(PRICING_BASE + offer["currentRegionIndexUrl"])
        available = region_index.get("regions") or {}
        for region in regions:
            entry = available.get(region)
            if not entry:
                print(f"warning: {code} has no offer file for {region}", file=sys.stderr)
                continue
            url = PRICING_BASE + entry["currentVersionUrl"]
            if code == "AmazonEC2":
                url = url[: -len(".json")] + ".csv" if url.endswith(".json") else url
                _save(url, dest / code / f"{region}.csv")
            else:
                _save(url, dest / code / f"{region}.json")


# --------------------------------------------------------------------------- command line

def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--offers", type=Path, help="directory of downloaded offer files to read")
    mode.add_argument("--download", type=Path, help="directory to download the offer files into")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="table to write (default: %(default)s)")
    parser.add_argument("--template", type=Path, help="existing table to keep the catalogue, region names "
                        "and assumptions from (default: the --out file)")
    parser.add_argument("--date", help="date to put in the table, YYYY-MM-DD (default: the newest "
                        "publicationDate of the offer files read)")
    args = parser.parse_args(argv)
    template = args.template or args.out
    try:
        if args.download:
            regions = tuple(json.loads(template.read_text(encoding="utf-8"))["regions"])
            download(args.download, regions)
            print(f"done; now run: {sys.argv[0]} --offers {args.download}", file=sys.stderr)
            return 0
        if args.date is not None:
            try:
                _dt.date.fromisoformat(args.date)
            except ValueError:
                raise PriceError(f"--date {args.date!r} is not YYYY-MM-DD") from None
        regenerate(args.offers, template, args.out, args.date)
    except PriceError as err:
        print(f"error: {err}", file=sys.stderr)
        print("error: the table was not written", file=sys.stderr)
        return 1
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
