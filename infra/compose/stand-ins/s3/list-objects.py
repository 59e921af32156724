#!/usr/bin/env python3
"""Prints every object key in a bucket of this server, one per line: `list-objects BUCKET`."""
import sys

import boto3

s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:9000", region_name="us-east-1",
                  aws_access_key_id="stand-in", aws_secret_access_key="stand-in")
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[1]):
    for item in page.get("Contents", []):
        print(item["Key"])
