"""Prepares a throwaway moto server for Portside's S3 suites (scripts/services/s3.sh).

With --auth: creates an IAM user with an access key allowed s3:*, creates the bucket with that key, then switches
moto's request authentication on (moto-api/reset-auth), so from then on every request must carry a valid SigV4
signature by that key; prints the key id and secret. Without it: creates the bucket with an unsigned request.
"""

import argparse
import json
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--endpoint", required=True)
parser.add_argument("--bucket", required=True)
parser.add_argument("--auth", action="store_true")
arguments = parser.parse_args()

if not arguments.auth:
    urllib.request.urlopen(urllib.request.Request(f"{arguments.endpoint}/{arguments.bucket}", method="PUT"), timeout=5)
    raise SystemExit(0)

import boto3  # noqa: E402 (moto[server] brings it; only this branch needs it)

common = {"endpoint_url": arguments.endpoint, "region_name": "us-east-1"}
iam = boto3.client("iam", aws_access_key_id="setup", aws_secret_access_key="setup", **common)
iam.create_user(UserName="portside-test")
key = iam.create_access_key(UserName="portside-test")["AccessKey"]
policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
iam.put_user_policy(UserName="portside-test", PolicyName="s3", PolicyDocument=json.dumps(policy))
s3 = boto3.client("s3", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"], **common)
s3.create_bucket(Bucket=arguments.bucket)
urllib.request.urlopen(
    urllib.request.Request(
        f"{arguments.endpoint}/moto-api/reset-auth", data=b"0", headers={"Content-Type": "text/plain"}, method="POST"
    ),
    timeout=5,
)
print(key["AccessKeyId"], key["SecretAccessKey"])
