"""Offline tests of regenerate.py on the tiny offer files in fixtures/.

    python3 -m unittest tools/prices/test_regenerate.py
    python3 tools/prices/test_regenerate.py

The fixtures are hand-written offer files in the real Price List formats (JSON whole-offer
files, regional JSON files, and a regional AmazonEC2 CSV file) for us-east-1 and
eu-central-1, with distractors that must not be picked: Windows and Dedicated EC2 products,
an unused capacity reservation and a SQL Web product, a Reserved term, Fargate Windows usage
types, Gateway/Classic/Outposts/trust-store load balancer usage, regional NAT gateways and
provisioned NAT bandwidth, gp3 IOPS, idle IPv4 addresses, Infrequent Access and vended logs,
high-resolution alarms, Secrets Manager and KMS requests, and a region (sa-east-1) that is not
in the table.
"""

import io
import json
import shutil
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stderr
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import regenerate  # noqa: E402

FIXTURES = HERE / "fixtures"
REAL_TABLE = HERE.parents[1] / "dsl" / "data" / "prices.json"
REGIONS = ("us-east-1", "eu-central-1")

EXPECTED = {
    "us-east-1": {
        "fargate_x86_vcpu_hour": 0.04048, "fargate_x86_gb_hour": 0.004445,
        "fargate_arm_vcpu_hour": 0.03238, "fargate_arm_gb_hour": 0.00356,
        "fargate_ephemeral_gb_hour": 0.000111,
        "alb_hour": 0.0225, "alb_lcu_hour": 0.008, "nlb_hour": 0.0225, "nlb_lcu_hour": 0.006,
        "nat_gateway_hour": 0.045, "nat_gateway_gb": 0.045, "public_ipv4_hour": 0.005,
        "interface_endpoint_hour": 0.01, "logs_ingest_gb": 0.5,
        "ebs_gp3_gb_month": 0.08, "ebs_gp2_gb_month": 0.1, "ebs_io1_gb_month": 0.125,
        "ebs_io2_gb_month": 0.125, "ebs_st1_gb_month": 0.045, "ebs_sc1_gb_month": 0.015,
        "ebs_standard_gb_month": 0.05, "ecr_storage_gb_month": 0.1, "secret_month": 0.4,
        "kms_key_month": 1, "alarm_month": 0.1,
    },
    "eu-central-1": {
        "fargate_x86_vcpu_hour": 0.04656, "fargate_x86_gb_hour": 0.00511,
        "fargate_arm_vcpu_hour": 0.03725, "fargate_arm_gb_hour": 0.00409,
        "fargate_ephemeral_gb_hour": 0.000133,
        "alb_hour": 0.027, "alb_lcu_hour": 0.008, "nlb_hour": 0.027, "nlb_lcu_hour": 0.006,
        "nat_gateway_hour": 0.052, "nat_gateway_gb": 0.052, "public_ipv4_hour": 0.005,
        "interface_endpoint_hour": 0.012, "logs_ingest_gb": 0.63,
        "ebs_gp3_gb_month": 0.0952, "ebs_gp2_gb_month": 0.119, "ebs_io1_gb_month": 0.149,
        "ebs_io2_gb_month": 0.149, "ebs_st1_gb_month": 0.054, "ebs_sc1_gb_month": 0.018,
        "ebs_standard_gb_month": 0.059, "ecr_storage_gb_month": 0.1, "secret_month": 0.4,
        "kms_key_month": 1, "alarm_month": 0.1,
    },
}
EXPECTED_EC2 = {
    "us-east-1": {"t3.micro": 0.0104, "m6g.large": 0.077},
    "eu-central-1": {"t3.micro": 0.012, "m6g.large": 0.092},
}


class RegenerateTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="prices-test-"))
        self.addCleanup(shutil.rmtree, self.tmp)
        table = json.loads(REAL_TABLE.read_text(encoding="utf-8"))
        table["regions"] = {r: table["regions"][r] for r in REGIONS}
        self.template = self.tmp / "template.json"
        self.template.write_text(json.dumps(table, indent=2), encoding="utf-8")
        self.real = table

    def run_script(self, offers, out, date=None):
        stderr = io.StringIO()
        with redirect_stderr(stderr):
            regenerate.regenerate(offers, self.template, out, date)
        return stderr.getvalue()

    def copy_fixtures(self):
        offers = self.tmp / "offers"
        shutil.copytree(FIXTURES, offers)
        return offers

    def test_builds_the_table_with_exact_prices(self):
        out = self.tmp / "prices.json"
        notes = self.run_script(FIXTURES, out)
        table = json.loads(out.read_text(encoding="utf-8"))
        self.assertEqual(list(table), ["date", "currency", "hours_per_month", "prices", "ec2_source",
                                       "regions", "assumptions"])
        # The newest publicationDate of the fixture offer files (AmazonEC2, 2026-09-25).
        self.assertEqual(table["date"], "2026-09-25")
        self.assertEqual(table["currency"], "USD")
        self.assertEqual(table["hours_per_month"], 730)
        self.assertEqual(list(table["regions"]), list(REGIONS))
        for region in REGIONS:
            got = table["regions"][region]
            self.assertEqual(got["name"], self.real["regions"][region]["name"])
            self.assertEqual(got["prices"], EXPECTED[region], region)
            self.assertEqual(list(got["prices"]), list(table["prices"]), "same keys, catalogue order")
            self.assertEqual(got["ec2_linux_hour"], EXPECTED_EC2[region], region)
        # Kept from the existing table, not from the Price List.
        self.assertEqual(table["prices"], self.real["prices"])
        self.assertEqual(table["assumptions"], self.real["assumptions"])
        self.assertEqual(table["ec2_source"], self.real["ec2_source"])
        # Instance types the fixtures do not offer are left out, and said so.
        self.assertIn("note: t3.small has no On-Demand Linux price in us-east-1", notes)

    def test_numbers_are_written_as_published(self):
        out = self.tmp / "prices.json"
        self.run_script(FIXTURES, out)
        text = out.read_text(encoding="utf-8")
        # "0.0404800000" in the offer file -> 0.04048 in the table, no rounding, no float noise.
        self.assertIn('"fargate_x86_vcpu_hour": 0.04048,', text)
        self.assertIn('"fargate_ephemeral_gb_hour": 0.000111,', text)
        self.assertIn('"ebs_gp3_gb_month": 0.0952,', text)
        self.assertIn('"kms_key_month": 1,', text)

    def test_date_option_overrides_publication_date(self):
        out = self.tmp / "prices.json"
        self.run_script(FIXTURES, out, date="2026-10-01")
        self.assertEqual(json.loads(out.read_text(encoding="utf-8"))["date"], "2026-10-01")

    def test_output_is_byte_identical_on_two_runs(self):
        first, second = self.tmp / "a.json", self.tmp / "b.json"
        self.run_script(FIXTURES, first)
        self.run_script(FIXTURES, second)
        self.assertEqual(first.read_bytes(), second.read_bytes())
        # And rendering the result again changes nothing.
        again = regenerate.render(json.loads(first.read_text(encoding="utf-8")))
        self.assertEqual(again.encode("utf-8"), first.read_bytes())

    def test_missing_price_names_key_and_region(self):
        offers = self.copy_fixtures()
        kms = json.loads((offers / "awskms.json").read_text(encoding="utf-8"))
        for sku, product in list(kms["products"].items()):
            if product["attributes"]["usagetype"] == "eu-central-1-KMS-Keys":
                del kms["products"][sku]
        (offers / "awskms.json").write_text(json.dumps(kms), encoding="utf-8")
        out = self.tmp / "prices.json"
        with self.assertRaises(regenerate.PriceError) as caught:
            self.run_script(offers, out)
        message = str(caught.exception)
        self.assertIn("missing price: key 'kms_key_month' in region 'eu-central-1'", message)
        self.assertNotIn("'us-east-1'", message)
        self.assertFalse(out.exists(), "nothing is written when a price is missing")

    def test_missing_offer_file_names_every_key_and_region(self):
        offers = self.copy_fixtures()
        (offers / "AmazonECR.json").unlink()
        with self.assertRaises(regenerate.PriceError) as caught:
            self.run_script(offers, self.tmp / "prices.json")
        message = str(caught.exception)
        self.assertIn("no offer file for AmazonECR", message)
        for region in REGIONS:
            self.assertIn(f"missing price: key 'ecr_storage_gb_month' in region '{region}'", message)

    def test_ambiguous_price_is_an_error(self):
        offers = self.copy_fixtures()
        ecs = json.loads((offers / "AmazonECS.json").read_text(encoding="utf-8"))
        sku = next(s for s, p in ecs["products"].items()
                   if p["attributes"]["usagetype"] == "USE1-Fargate-GB-Hours")
        twin = json.loads(json.dumps(ecs["products"][sku]))
        twin["sku"] = "TWINTWINTWINTWIN"
        ecs["products"]["TWINTWINTWINTWIN"] = twin
        term = json.loads(json.dumps(ecs["terms"]["OnDemand"][sku]).replace(sku, "TWINTWINTWINTWIN"))
        for t in term.values():
            for d in t["priceDimensions"].values():
                d["pricePerUnit"]["USD"] = "0.0050000000"
        ecs["terms"]["OnDemand"]["TWINTWINTWINTWIN"] = term
        (offers / "AmazonECS.json").write_text(json.dumps(ecs), encoding="utf-8")
        with self.assertRaises(regenerate.PriceError) as caught:
            self.run_script(offers, self.tmp / "prices.json")
        message = str(caught.exception)
        self.assertIn("ambiguous price: key 'fargate_x86_gb_hour' in region 'us-east-1'", message)
        self.assertIn("0.004445", message)
        self.assertIn("0.005", message)

    def test_same_price_twice_is_not_ambiguous(self):
        offers = self.copy_fixtures()
        # The whole-offer file and a regional file both carry the eu-central-1 ECR price.
        (offers / "AmazonECR").mkdir()
        shutil.copy(offers / "AmazonECR.json", offers / "AmazonECR" / "eu-central-1.json")
        out = self.tmp / "prices.json"
        self.run_script(offers, out)
        table = json.loads(out.read_text(encoding="utf-8"))
        self.assertEqual(table["regions"]["eu-central-1"]["prices"]["ecr_storage_gb_month"], 0.1)

    def test_command_line_exit_status_and_message(self):
        offers = self.copy_fixtures()
        (offers / "AmazonVPC" / "eu-central-1.json").unlink()
        out = self.tmp / "prices.json"
        proc = subprocess.run(
            [sys.executable, str(HERE / "regenerate.py"), "--offers", str(offers), "--out", str(out),
             "--template", str(self.template)],
            capture_output=True, text=True)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("missing price: key 'public_ipv4_hour' in region 'eu-central-1'", proc.stderr)
        self.assertIn("missing price: key 'interface_endpoint_hour' in region 'eu-central-1'", proc.stderr)
        self.assertFalse(out.exists())
        proc = subprocess.run(
            [sys.executable, str(HERE / "regenerate.py"), "--offers", str(FIXTURES), "--out", str(out),
             "--template", str(self.template), "--date", "2026-10-01"],
            capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(out.read_text(encoding="utf-8"))["date"], "2026-10-01")

    def test_usage_type_forms(self):
        self.assertEqual(regenerate.usage_names("KMS-Keys", "eu-west-1"),
                         ("KMS-Keys", "eu-west-1-KMS-Keys", "EU-KMS-Keys"))
        self.assertIn("USE1-Fargate-GB-Hours", regenerate.usage_names("Fargate-GB-Hours", "us-east-1"))
        self.assertIn("APS1-NatGateway-Hours", regenerate.usage_names("NatGateway-Hours", "ap-southeast-1"))


class RealTableTest(unittest.TestCase):
    """The shipped table has the shape the Rust loader expects."""

    def test_shape(self):
        text = REAL_TABLE.read_text(encoding="utf-8")
        table = json.loads(text)
        self.assertEqual(regenerate.render(table), text, "the shipped table is in the script's format")
        self.assertEqual(set(table), set(regenerate.TOP_LEVEL_ORDER))
        self.assertEqual(set(table["prices"]), set(regenerate.PRICE_SPECS))
        for key, entry in table["prices"].items():
            self.assertEqual(set(entry), {"unit", "what", "source"}, key)
        self.assertEqual(set(table["regions"]), {"us-east-1", "us-east-2", "us-west-2", "eu-west-1",
                                                 "eu-central-1", "ap-southeast-1"})
        for region, info in table["regions"].items():
            self.assertEqual(set(info), {"name", "prices", "ec2_linux_hour"}, region)
            self.assertEqual(list(info["prices"]), list(table["prices"]), region)
            for key, value in info["prices"].items():
                self.assertIsInstance(value, (int, float), (region, key))
                self.assertGreater(value, 0, (region, key))
            for itype, value in info["ec2_linux_hour"].items():
                self.assertIn(itype, regenerate.INSTANCE_TYPES, region)
                self.assertGreater(value, 0, (region, itype))
        self.assertEqual(set(table["assumptions"]), {"fargate_spot_discount", "lcu_per_load_balancer",
                                                     "logs_gb_per_log_group_month", "ecr_gb_per_repository"})
        for key, entry in table["assumptions"].items():
            self.assertEqual(set(entry), {"value", "what"}, key)


if __name__ == "__main__":
    unittest.main()
