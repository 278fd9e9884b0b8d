"""A lake whose data files are in an S3-compatible bucket: moto's S3 server on loopback, credentials and
endpoint from the AWS SDKs' standard variables, as a worker's environment would give them."""

from __future__ import annotations

import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

from pipelines import cli
from pipelines.warehouse.backend import parse_warehouse, s3_settings
from tests.conftest import copy_fixture

KEY_ID, SECRET = "AKIDTESTONLY", "not-a-real-secret-42"


@pytest.fixture
def bucket(monkeypatch):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        for variable, value in {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET,
                                "AWS_REGION": "eu-west-3", "AWS_ENDPOINT_URL": endpoint}.items():
            monkeypatch.setenv(variable, value)
        client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-3")
        name = f"corpus-{uuid.uuid4().hex[:12]}"  # moto's buckets outlive its server, within the process
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        yield client, name
    finally:
        server.stop()


def test_s3_settings_come_from_the_standard_aws_variables():
    assert s3_settings({}) == {}
    assert s3_settings({"AWS_ENDPOINT_URL": "http://127.0.0.1:9000/", "AWS_DEFAULT_REGION": "eu-west-1",
                        "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}) == {
        "s3_access_key_id": "k", "s3_secret_access_key": "s", "s3_region": "eu-west-1",
        "s3_endpoint": "127.0.0.1:9000", "s3_use_ssl": False, "s3_url_style": "path"}
    assert s3_settings({"AWS_ENDPOINT_URL_S3": "https://s3.example.net", "AWS_ENDPOINT_URL": "http://other",
                        "CORPUS_S3_URL_STYLE": "vhost"})["s3_use_ssl"] is True


def test_a_lake_with_its_data_files_in_a_bucket(lake, bucket, raw_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    copy_fixture("seeds_gitingest.txt", raw_dir)
    client, name = bucket
    data = f"s3://{name}/corpus/"
    assert cli.main(["migrate", "--warehouse", lake.spec, "--lake-data", data]) == 0
    assert cli.main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", lake.spec, "--lake-data", data]) == 0
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=name)["Contents"]]
    # (a few rows, such as the two documents, may be inlined in the catalog; the paragraphs are not)
    assert any(key.startswith("corpus/main/paragraphs/") and key.endswith(".parquet") for key in keys)
    with parse_warehouse(lake.spec, data).connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (2,)
        assert con.execute("SELECT count(*) FROM entities").fetchone()[0] > 0
    capsys.readouterr()
    assert cli.main(["sql", "SELECT name FROM document_overview ORDER BY name", "--warehouse", lake.spec,
                     "--lake-data", data]) == 0
    captured = capsys.readouterr()
    assert "at snapshot" in captured.err and ".txt" in captured.out
    assert SECRET not in captured.out + captured.err


def test_an_unreachable_bucket_fails_the_dump_with_a_clear_message(lake, bucket, raw_dir, monkeypatch, capsys):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    copy_fixture("seeds_gitingest.txt", raw_dir)
    data = f"s3://{bucket[1]}/corpus/"
    assert cli.main(["migrate", "--warehouse", lake.spec, "--lake-data", data]) == 0
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # the discard port: nothing listens
    assert cli.main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", lake.spec, "--lake-data", data]) == 1
    captured = capsys.readouterr()
    assert "error: seeds_gitingest.txt:" in captured.err and "127.0.0.1:9" in captured.err
    assert SECRET not in captured.out + captured.err
