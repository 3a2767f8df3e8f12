"""Google's own event types (PyPI google-events) as the oracle for event-core's decoders.

Two commands, JSON on stdin and stdout:

  generate {"message": NAME, "count": N, "seed": S}
      N random messages built with Google's classes; for each, its protobuf encoding (base64)
      and its proto3 JSON (Google's to_json, enums by name, and by number half the time).
  verify {"message": NAME, "cases": [{"original": B64, "protobuf": B64, "json": TEXT}, ...]}
      decodes each re-encoding of ours (protobuf, and JSON with unknown fields ignored) with
      Google's classes and compares it with the original; prints the cases that differ.

NAME is one of MESSAGES below. Run by event-core/tests/google_events_oracle.rs.
"""
import base64
import json
import random
import sys

from google.events.cloud.audit_v1 import types as audit
from google.events.cloud.cloudbuild_v1 import types as cloudbuild
from google.protobuf import duration_pb2
from google.events.cloud.datastore_v1 import types as datastore
from google.rpc import status_pb2
from google.rpc.context import attribute_context_pb2
from google.api import monitored_resource_pb2
from google.events.cloud.firestore_v1 import types as firestore
from google.events.cloud.pubsub_v1 import types as pubsub
from google.events.cloud.scheduler_v1 import types as scheduler
from google.events.cloud.storage_v1 import types as storage
from google.events.firebase.database_v1 import types as database
from google.events.firebase.remoteconfig_v1 import types as remoteconfig
from google.events.firebase.auth_v1 import types as auth
from google.events.firebase.testlab_v1 import types as testlab
from google.events.firebase.firebasealerts_v1 import types as alerts
from google.events.firebase.analytics_v1 import types as analytics
from google.protobuf import struct_pb2
from google.protobuf import timestamp_pb2
from google.type import latlng_pb2

MESSAGES = {
    "google.events.cloud.firestore.v1.DocumentEventData": firestore.DocumentEventData,
    "google.events.cloud.datastore.v1.EntityEventData": datastore.EntityEventData,
    "google.events.cloud.storage.v1.StorageObjectData": storage.StorageObjectData,
    "google.events.cloud.pubsub.v1.MessagePublishedData": pubsub.MessagePublishedData,
    "google.events.cloud.scheduler.v1.SchedulerJobData": scheduler.SchedulerJobData,
    "google.events.firebase.database.v1.ReferenceEventData": database.ReferenceEventData,
    "google.events.firebase.remoteconfig.v1.RemoteConfigEventData": remoteconfig.RemoteConfigEventData,
    "google.events.firebase.auth.v1.AuthEventData": auth.AuthEventData,
    "google.events.firebase.testlab.v1.TestMatrixEventData": testlab.TestMatrixEventData,
    "google.events.firebase.firebasealerts.v1.AlertData": alerts.AlertData,
    "google.events.firebase.analytics.v1.AnalyticsLogData": analytics.AnalyticsLogData,
    "google.events.cloud.audit.v1.LogEntryData": audit.LogEntryData,
    "google.events.cloud.cloudbuild.v1.BuildEventData": cloudbuild.BuildEventData,
}

INT64 = [0, 1, -1, 2**31, -(2**31) - 1, 2**53 + 1, 2**63 - 1, -(2**63)]
TEXTS = ["", "a", "héllo wörld", "日本語", "emoji 🎉", "quote \" and \\ and \n", "x" * 300]


def text(r):
    return r.choice(TEXTS) if r.random() < 0.6 else "".join(
        chr(r.choice([r.randint(32, 126), r.randint(0xA0, 0xD7FF), r.randint(0x10000, 0x1F9FF)]))
        for _ in range(r.randint(0, 12))
    )


def timestamp(r):
    seconds = r.choice([0, 1, 1_587_651_905, 253_402_300_799, r.randint(0, 4_000_000_000)])
    nanos = r.choice([0, 1_000_000, 123_456_000, 999_999_999, r.randint(0, 999_999) * 1000])
    return timestamp_pb2.Timestamp(seconds=seconds, nanos=nanos)


def latlng(r):
    return latlng_pb2.LatLng(latitude=r.uniform(-90, 90), longitude=r.choice([0.0, r.uniform(-180, 180)]))


def firestore_value(r, depth):
    kinds = ["null", "bool", "int", "double", "time", "string", "bytes", "ref", "geo"]
    if depth < 4:
        kinds += ["array", "map"]
    kind = r.choice(kinds)
    V = firestore.Value
    if kind == "null":
        return V(null_value=0)
    if kind == "bool":
        return V(boolean_value=r.random() < 0.5)
    if kind == "int":
        return V(integer_value=r.choice(INT64 + [r.randint(-(2**63), 2**63 - 1)]))
    if kind == "double":
        return V(double_value=r.choice([0.0, -0.5, 1e300, 5.5, r.uniform(-1e9, 1e9)]))
    if kind == "time":
        return V(timestamp_value=timestamp(r))
    if kind == "string":
        return V(string_value=text(r))
    if kind == "bytes":
        return V(bytes_value=bytes(r.randint(0, 255) for _ in range(r.randint(0, 20))))
    if kind == "ref":
        return V(reference_value="projects/p/databases/(default)/documents/c/" + text(r))
    if kind == "geo":
        return V(geo_point_value=latlng(r))
    if kind == "array":
        return V(array_value=firestore.ArrayValue(values=[firestore_value(r, depth + 1) for _ in range(r.randint(0, 4))]))
    return V(map_value=firestore.MapValue(fields=firestore_fields(r, depth + 1)))


def firestore_fields(r, depth):
    return {text(r) or "f": firestore_value(r, depth) for _ in range(r.randint(0, 5))}


def firestore_document(r):
    if r.random() < 0.15:
        return None
    doc = firestore.Document(name="projects/p/databases/(default)/documents/users/" + text(r))
    doc.fields = firestore_fields(r, 0)
    if r.random() < 0.8:
        doc.create_time = timestamp(r)
    if r.random() < 0.8:
        doc.update_time = timestamp(r)
    return doc


def document_event(r):
    m = firestore.DocumentEventData()
    for field in ("value", "old_value"):
        doc = firestore_document(r)
        if doc is not None:
            setattr(m, field, doc)
    if r.random() < 0.5:
        m.update_mask = firestore.DocumentMask(field_paths=[text(r) for _ in range(r.randint(0, 3))])
    return m


def datastore_key(r):
    path = []
    for _ in range(r.randint(0, 3)):
        element = datastore.Key.PathElement(kind=text(r) or "Kind")
        choice = r.random()
        if choice < 0.4:
            element.id = r.choice(INT64[1:])
        elif choice < 0.8:
            element.name = text(r)
        path.append(element)
    key = datastore.Key(path=path)
    if r.random() < 0.7:
        key.partition_id = datastore.PartitionId(project_id="p", database_id=r.choice(["", "db"]), namespace_id=text(r))
    return key


def datastore_value(r, depth):
    kinds = ["null", "bool", "int", "double", "time", "key", "string", "blob", "geo"]
    if depth < 3:
        kinds += ["array", "entity"]
    kind = r.choice(kinds)
    V = datastore.Value
    if kind == "null":
        v = V(null_value=0)
    elif kind == "bool":
        v = V(boolean_value=r.random() < 0.5)
    elif kind == "int":
        v = V(integer_value=r.choice(INT64))
    elif kind == "double":
        v = V(double_value=r.uniform(-1e6, 1e6))
    elif kind == "time":
        v = V(timestamp_value=timestamp(r))
    elif kind == "key":
        v = V(key_value=datastore_key(r))
    elif kind == "string":
        v = V(string_value=text(r))
    elif kind == "blob":
        v = V(blob_value=bytes(r.randint(0, 255) for _ in range(r.randint(0, 20))))
    elif kind == "geo":
        v = V(geo_point_value=latlng(r))
    elif kind == "array":
        v = V(array_value=datastore.ArrayValue(values=[datastore_value(r, depth + 1) for _ in range(r.randint(0, 3))]))
    else:
        v = V(entity_value=datastore_entity(r, depth + 1))
    if kind != "array" and r.random() < 0.3:
        v.exclude_from_indexes = True
    if kind != "array" and r.random() < 0.1:
        v.meaning = r.randint(1, 30)
    return v


def datastore_entity(r, depth):
    entity = datastore.Entity(properties={text(r) or "p": datastore_value(r, depth) for _ in range(r.randint(0, 4))})
    if r.random() < 0.8:
        entity.key = datastore_key(r)
    return entity


def entity_event(r):
    m = datastore.EntityEventData()
    for field in ("value", "old_value"):
        if r.random() < 0.85:
            result = datastore.EntityResult(entity=datastore_entity(r, 0), version=r.choice(INT64[1:]))
            if r.random() < 0.7:
                result.create_time = timestamp(r)
                result.update_time = timestamp(r)
            if r.random() < 0.2:
                result.cursor = bytes(r.randint(0, 255) for _ in range(8))
            setattr(m, field, result)
    if r.random() < 0.5:
        m.update_mask = datastore.PropertyMask(property_paths=[text(r) for _ in range(r.randint(0, 3))])
    return m


def maybe(r, value, default):
    return value if r.random() < 0.7 else default


def storage_object(r):
    m = storage.StorageObjectData(
        bucket=maybe(r, "my-bucket", ""), name=maybe(r, "folder/" + text(r), ""),
        id=maybe(r, "my-bucket/folder/x/1587627537231057", ""), kind=maybe(r, "storage#object", ""),
        content_type=maybe(r, "text/plain", ""), content_encoding=maybe(r, "gzip", ""),
        content_disposition=maybe(r, "inline", ""), cache_control=maybe(r, "no-cache", ""),
        content_language=maybe(r, "en", ""), crc32c=maybe(r, "rTVTeQ==", ""),
        md5_hash=maybe(r, "kF8MuJ5+CTJxvyhHS1xzRg==", ""), etag=maybe(r, "CNHZkbuF/ugCEAE=", ""),
        storage_class=maybe(r, "STANDARD", ""), kms_key_name=maybe(r, "projects/p/keys/k", ""),
        media_link=maybe(r, "https://example.com/media", ""), self_link=maybe(r, "https://example.com/self", ""),
        size=r.choice(INT64[:6]), generation=r.choice(INT64), metageneration=r.choice(INT64),
        component_count=r.choice([0, 1, 32, 2**31 - 1, -(2**31)]),
        temporary_hold=r.random() < 0.3, event_based_hold=r.random() < 0.3,
        metadata={text(r): text(r) for _ in range(r.randint(0, 3))},
    )
    for field in ("time_created", "updated", "time_deleted", "time_storage_class_updated", "retention_expiration_time"):
        if r.random() < 0.6:
            setattr(m, field, timestamp(r))
    if r.random() < 0.3:
        m.customer_encryption = storage.StorageObjectData.CustomerEncryption(encryption_algorithm="AES256", key_sha256=text(r))
    return m


def message_published(r):
    message = pubsub.PubsubMessage(
        data=bytes(r.randint(0, 255) for _ in range(r.randint(0, 40))),
        attributes={text(r): text(r) for _ in range(r.randint(0, 4))},
        message_id=maybe(r, str(r.randint(1, 2**62)), ""),
        ordering_key=maybe(r, text(r), ""),
    )
    if r.random() < 0.8:
        message.publish_time = timestamp(r)
    m = pubsub.MessagePublishedData(subscription=maybe(r, "projects/p/subscriptions/" + text(r), ""))
    if r.random() < 0.9:
        m.message = message
    if r.random() < 0.4:
        m.delivery_attempt = r.randint(1, 100)
    return m


def scheduler_job(r):
    return scheduler.SchedulerJobData(custom_data=maybe(r, text(r).encode() + bytes(r.randint(0, 255) for _ in range(r.randint(0, 9))), b""))


def json_value(r, depth):
    kinds = ["null", "number", "string", "bool"] + (["struct", "list"] if depth < 4 else [])
    kind = r.choice(kinds)
    v = struct_pb2.Value()
    if kind == "null":
        v.null_value = 0
    elif kind == "number":
        v.number_value = r.choice([0.0, -1.5, 1e-7, 2.0**53, r.uniform(-1e12, 1e12)])
    elif kind == "string":
        v.string_value = text(r)
    elif kind == "bool":
        v.bool_value = r.random() < 0.5
    elif kind == "struct":
        for _ in range(r.randint(0, 4)):
            v.struct_value.fields[text(r)].CopyFrom(json_value(r, depth + 1))
        if not v.HasField("struct_value"):
            v.struct_value.SetInParent()
    else:
        v.list_value.SetInParent()
        for _ in range(r.randint(0, 4)):
            v.list_value.values.add().CopyFrom(json_value(r, depth + 1))
    return v


def reference_event(r):
    m = database.ReferenceEventData()
    if r.random() < 0.8:
        m.data = json_value(r, 0)
    if r.random() < 0.8:
        m.delta = json_value(r, 0)
    return m


def remote_config(r):
    m = remoteconfig.RemoteConfigEventData(
        version_number=r.choice(INT64), description=maybe(r, text(r), ""),
        update_origin=r.randint(0, 3), update_type=r.randint(0, 3),
        rollback_source=maybe(r, r.choice(INT64), 0),
    )
    if r.random() < 0.8:
        m.update_time = timestamp(r)
    if r.random() < 0.8:
        m.update_user = remoteconfig.RemoteConfigUser(name=text(r), email=maybe(r, "a@b.example", ""), image_url=maybe(r, "https://x.example/p.png", ""))
    return m


def auth_user(r):
    m = auth.AuthEventData(
        uid=text(r), email=maybe(r, "ada@example.com", ""), email_verified=r.random() < 0.5,
        display_name=maybe(r, text(r), ""), photo_URL=maybe(r, "https://x.example/a.png", ""),
        disabled=r.random() < 0.2, phone_number=maybe(r, "+15555550100", ""),
        provider_data=[auth.UserInfo(uid=text(r), email=maybe(r, "a@b.example", ""), display_name=text(r),
                                     photo_URL=maybe(r, "https://x.example/p.png", ""), provider_id=r.choice(["google.com", "password", ""]))
                       for _ in range(r.randint(0, 2))],
    )
    if r.random() < 0.8:
        m.metadata = auth.UserMetadata(create_time=timestamp(r))
        if r.random() < 0.5:
            m.metadata.last_sign_in_time = timestamp(r)
    if r.random() < 0.4:
        m.custom_claims = struct_pb2.Struct(fields={text(r): json_value(r, 2) for _ in range(r.randint(0, 3))})
    return m


def test_matrix(r):
    m = testlab.TestMatrixEventData(
        state=r.randint(0, 5), outcome_summary=r.randint(0, 4),
        invalid_matrix_details=maybe(r, text(r), ""), test_matrix_id=maybe(r, "matrix-" + text(r), ""),
    )
    if r.random() < 0.8:
        m.create_time = timestamp(r)
    if r.random() < 0.7:
        m.result_storage = testlab.ResultStorage(tool_results_history=text(r), tool_results_execution=text(r),
                                                 results_uri=maybe(r, "https://console.example", ""), gcs_path=maybe(r, "gs://b/p", ""))
    if r.random() < 0.7:
        m.client_info = testlab.ClientInfo(client=maybe(r, "gcloud", ""), details={text(r): text(r) for _ in range(r.randint(0, 3))})
    return m


def alert(r):
    m = alerts.AlertData()
    if r.random() < 0.8:
        m.create_time = timestamp(r)
    if r.random() < 0.4:
        m.end_time = timestamp(r)
    if r.random() < 0.8:
        m.payload = struct_pb2.Struct(fields={text(r): json_value(r, 1) for _ in range(r.randint(0, 4))})
    return m


def analytics_value(r):
    kind = r.randint(0, 3)
    if kind == 0:
        return analytics.AnalyticsValue(string_value=text(r))
    if kind == 1:
        return analytics.AnalyticsValue(int_value=r.choice(INT64))
    if kind == 2:
        return analytics.AnalyticsValue(float_value=r.choice([0.5, -2.25, 1024.0]))
    return analytics.AnalyticsValue(double_value=r.uniform(-1e6, 1e6))


def analytics_log(r):
    user = analytics.UserDimensions(
        user_id=maybe(r, text(r), ""), first_open_timestamp_micros=r.choice(INT64[:7]),
        user_properties={text(r): analytics.UserPropertyValue(value=analytics_value(r), set_timestamp_usec=r.choice(INT64), index=r.randint(-5, 5))
                         for _ in range(r.randint(0, 3))},
    )
    if r.random() < 0.7:
        user.device_info = analytics.DeviceInfo(device_category="mobile", mobile_brand_name=text(r), device_model=text(r),
                                                platform_version="17.1", device_time_zone_offset_seconds=r.randint(-43200, 50400),
                                                limited_ad_tracking=r.random() < 0.5, user_default_language="en-gb")
    if r.random() < 0.7:
        user.geo_info = analytics.GeoInfo(continent="Europe", country=text(r), city=maybe(r, text(r), ""))
    if r.random() < 0.7:
        user.app_info = analytics.AppInfo(app_version="1.2.3", app_instance_id=text(r), app_platform="IOS", app_id="com.example")
    if r.random() < 0.5:
        user.traffic_source = analytics.TrafficSource(user_acquired_source=text(r), user_acquired_medium="cpc")
    if r.random() < 0.5:
        user.bundle_info = analytics.ExportBundleInfo(bundle_sequence_id=r.randint(0, 2**31 - 1), server_timestamp_offset_micros=r.choice(INT64))
    if r.random() < 0.5:
        user.ltv_info = analytics.LtvInfo(revenue=r.uniform(0, 1000), currency="EUR")
    m = analytics.AnalyticsLogData(event_dim=[
        analytics.EventDimensions(date="20261206", name=text(r), timestamp_micros=r.choice(INT64), previous_timestamp_micros=r.choice(INT64),
                                  value_in_usd=maybe(r, r.uniform(0, 100), 0.0), params={text(r): analytics_value(r) for _ in range(r.randint(0, 4))})
        for _ in range(r.randint(0, 3))])
    if r.random() < 0.9:
        m.user_dim = user
    return m


def a_struct(r):
    return struct_pb2.Struct(fields={text(r) or "k": json_value(r, 1) for _ in range(r.randint(0, 3))})


def audit_log_entry(r):
    log = audit.AuditLog(
        service_name=maybe(r, "storage.googleapis.com", ""), method_name=maybe(r, "storage.buckets.create", ""),
        resource_name=maybe(r, "projects/_/buckets/" + text(r), ""), num_response_items=r.choice(INT64[:5]),
    )
    if r.random() < 0.5:
        log.resource_location = audit.ResourceLocation(current_locations=["eu", text(r)][: r.randint(0, 2)], original_locations=[text(r)][: r.randint(0, 1)])
    for field in ("resource_original_state", "request", "response", "metadata", "service_data"):
        if r.random() < 0.4:
            setattr(log, field, a_struct(r))
    if r.random() < 0.6:
        log.status = status_pb2.Status(code=r.choice([0, 3, 7, 13]), message=maybe(r, text(r), ""))
    if r.random() < 0.8:
        info = audit.AuthenticationInfo(principal_email=maybe(r, "ada@example.com", ""), authority_selector=maybe(r, text(r), ""),
                                        service_account_key_name=maybe(r, text(r), ""), principal_subject=maybe(r, "user:ada@example.com", ""))
        if r.random() < 0.3:
            info.third_party_principal = a_struct(r)
        for _ in range(r.randint(0, 2)):
            d = audit.ServiceAccountDelegationInfo()
            if r.random() < 0.5:
                d.first_party_principal = audit.ServiceAccountDelegationInfo.FirstPartyPrincipal(principal_email=text(r))
                if r.random() < 0.5:
                    d.first_party_principal.service_metadata = a_struct(r)
            elif r.random() < 0.8:
                d.third_party_principal = audit.ServiceAccountDelegationInfo.ThirdPartyPrincipal(third_party_claims=a_struct(r))
            info.service_account_delegation_info.append(d)
        log.authentication_info = info
    for _ in range(r.randint(0, 2)):
        a = audit.AuthorizationInfo(resource=text(r), permission="storage.buckets.create", granted=r.random() < 0.5)
        if r.random() < 0.5:
            res = attribute_context_pb2.AttributeContext.Resource(service="storage.googleapis.com", name=text(r), type="storage.googleapis.com/Bucket",
                                                                  uid=text(r), display_name=text(r), etag=text(r), location="eu")
            res.labels.update({text(r): text(r) for _ in range(r.randint(0, 2))})
            res.annotations.update({text(r): text(r) for _ in range(r.randint(0, 2))})
            for t in ("create_time", "update_time", "delete_time"):
                if r.random() < 0.5:
                    getattr(res, t).CopyFrom(timestamp(r))
            a.resource_attributes = res
        log.authorization_info.append(a)
    if r.random() < 0.7:
        meta = audit.RequestMetadata(caller_ip=maybe(r, "203.0.113.9", ""), caller_supplied_user_agent=text(r), caller_network=maybe(r, text(r), ""))
        if r.random() < 0.6:
            req = attribute_context_pb2.AttributeContext.Request(id=text(r), method="POST", path="/x", host="h", scheme="https", query=text(r),
                                                                 size=r.choice(INT64[:6]), protocol="h2", reason=text(r), origin=text(r))
            req.headers.update({text(r).lower() or "h": text(r) for _ in range(r.randint(0, 3))})
            if r.random() < 0.5:
                req.time.CopyFrom(timestamp(r))
            if r.random() < 0.5:
                req.auth.principal = text(r)
                req.auth.audiences.extend([text(r) for _ in range(r.randint(0, 2))])
                req.auth.presenter = text(r)
                req.auth.access_levels.extend([text(r) for _ in range(r.randint(0, 2))])
                if r.random() < 0.5:
                    req.auth.claims.CopyFrom(a_struct(r))
            meta.request_attributes = req
        if r.random() < 0.5:
            peer = attribute_context_pb2.AttributeContext.Peer(ip="198.51.100.1", port=r.choice([0, 443, 65535]), principal=text(r), region_code="GB")
            peer.labels.update({text(r): text(r) for _ in range(r.randint(0, 2))})
            meta.destination_attributes = peer
        log.request_metadata = meta
    m = audit.LogEntryData(
        log_name=maybe(r, "projects/p/logs/cloudaudit.googleapis.com%2Factivity", ""), insert_id=maybe(r, text(r), ""),
        labels={text(r): text(r) for _ in range(r.randint(0, 2))}, severity=r.choice([0, 100, 200, 300, 400, 500, 600, 700, 800]),
        trace=maybe(r, "projects/p/traces/abc", ""), span_id=maybe(r, "0123456789abcdef", ""),
    )
    if r.random() < 0.9:
        m.proto_payload = log
    if r.random() < 0.7:
        res = monitored_resource_pb2.MonitoredResource(type="gcs_bucket")
        res.labels.update({"project_id": "p", "bucket_name": text(r)})
        m.resource = res
    if r.random() < 0.4:
        m.operation = audit.LogEntryOperation(id=text(r), producer=text(r), first=r.random() < 0.5, last=r.random() < 0.5)
    for t in ("timestamp", "receive_timestamp"):
        if r.random() < 0.8:
            setattr(m, t, timestamp(r))
    if r.random() < 0.3:
        m.split = audit.LogSplit(uid=text(r), index=r.randint(0, 5), total_splits=r.randint(1, 6))
    return m


def duration(r):
    return duration_pb2.Duration(seconds=r.choice([0, 1, 600, 86400]), nanos=r.choice([0, 500_000_000, 1000, 1]))


def span(r):
    t = cloudbuild.TimeSpan()
    if r.random() < 0.8:
        t.start_time = timestamp(r)
    if r.random() < 0.8:
        t.end_time = timestamp(r)
    return t


def repo_source(r):
    repo = cloudbuild.RepoSource(project_id="p", repo_name=text(r), dir_=maybe(r, "app", ""), invert_regex=r.random() < 0.3,
                                 substitutions={text(r): text(r) for _ in range(r.randint(0, 2))})
    choice = r.randint(0, 3)
    if choice == 0:
        repo.branch_name = "main"
    elif choice == 1:
        repo.tag_name = "v" + text(r)
    elif choice == 2:
        repo.commit_sha = "0123abcd"
    return repo


def build_event(r):
    m = cloudbuild.BuildEventData(
        id=text(r), project_id=maybe(r, "p", ""), status=r.choice([0, 1, 2, 3, 4, 5, 6, 7, 9]), status_detail=maybe(r, text(r), ""),
        images=[text(r) for _ in range(r.randint(0, 2))], logs_bucket=maybe(r, "gs://logs", ""), build_trigger_id=maybe(r, text(r), ""),
        log_url=maybe(r, "https://console.example/b", ""), substitutions={text(r): text(r) for _ in range(r.randint(0, 3))},
        tags=[text(r) for _ in range(r.randint(0, 2))],
    )
    if r.random() < 0.8:
        src = cloudbuild.Source()
        if r.random() < 0.5:
            src.storage_source = cloudbuild.StorageSource(bucket="b", object_=text(r), generation=r.choice(INT64))
        else:
            src.repo_source = repo_source(r)
        m.source = src
    for _ in range(r.randint(0, 3)):
        step = cloudbuild.BuildStep(name="gcr.io/cloud-builders/docker", env=["A=1"][: r.randint(0, 1)], args=[text(r) for _ in range(r.randint(0, 3))],
                                    dir_=maybe(r, "app", ""), id=maybe(r, text(r), ""), wait_for=["-"][: r.randint(0, 1)], entrypoint=maybe(r, "bash", ""),
                                    secret_env=[text(r)][: r.randint(0, 1)], volumes=[cloudbuild.Volume(name="v", path="/v")][: r.randint(0, 1)],
                                    status=r.choice([0, 3, 4]))
        if r.random() < 0.5:
            step.timing = span(r)
        if r.random() < 0.3:
            step.pull_timing = span(r)
        if r.random() < 0.5:
            step.timeout = duration(r)
        m.steps.append(step)
    if r.random() < 0.6:
        res = cloudbuild.Results(build_step_images=[text(r)][: r.randint(0, 1)], artifact_manifest=maybe(r, "gs://b/m.json", ""),
                                 num_artifacts=r.choice(INT64[:5]), build_step_outputs=[bytes(r.randint(0, 255) for _ in range(r.randint(0, 6))) for _ in range(r.randint(0, 2))],
                                 images=[cloudbuild.BuiltImage(name=text(r), digest="sha256:ab")] * r.randint(0, 1))
        if r.random() < 0.4:
            res.artifact_timing = span(r)
        m.results = res
    for t in ("create_time", "start_time", "finish_time"):
        if r.random() < 0.7:
            setattr(m, t, timestamp(r))
    if r.random() < 0.5:
        m.timeout = duration(r)
    if r.random() < 0.3:
        m.queue_ttl = duration(r)
    if r.random() < 0.4:
        m.artifacts = cloudbuild.Artifacts(images=[text(r)][: r.randint(0, 1)])
        if r.random() < 0.5:
            m.artifacts.objects = cloudbuild.Artifacts.ArtifactObjects(location="gs://b/", paths=["a", "b"][: r.randint(0, 2)])
    if r.random() < 0.4:
        prov = cloudbuild.SourceProvenance()
        if r.random() < 0.5:
            prov.resolved_storage_source = cloudbuild.StorageSource(bucket="b", object_="o", generation=7)
        if r.random() < 0.5:
            prov.resolved_repo_source = repo_source(r)
        for _ in range(r.randint(0, 2)):
            prov.file_hashes[text(r)] = cloudbuild.FileHashes(file_hash=[cloudbuild.Hash(type_=r.randint(0, 2), value=bytes(r.randint(0, 255) for _ in range(4)))])
        m.source_provenance = prov
    if r.random() < 0.5:
        m.options = cloudbuild.BuildOptions(source_provenance_hash=[r.randint(0, 2) for _ in range(r.randint(0, 2))], requested_verify_option=r.randint(0, 1),
                                            machine_type=r.randint(0, 2), disk_size_gb=r.choice([0, 100]), substitution_option=r.randint(0, 1),
                                            log_streaming_option=r.randint(0, 2), worker_pool=maybe(r, text(r), ""), logging=r.randint(0, 2),
                                            env=["X=1"][: r.randint(0, 1)], secret_env=[text(r)][: r.randint(0, 1)])
    for _ in range(r.randint(0, 2)):
        m.secrets.append(cloudbuild.Secret(kms_key_name="projects/p/keys/k", secret_env={text(r): bytes(r.randint(0, 255) for _ in range(5)) for _ in range(r.randint(0, 2))}))
    for _ in range(r.randint(0, 2)):
        m.timing[r.choice(["BUILD", "FETCHSOURCE", "PUSH"])] = span(r)
    return m


GENERATORS = {
    "google.events.cloud.cloudbuild.v1.BuildEventData": build_event,
    "google.events.cloud.audit.v1.LogEntryData": audit_log_entry,
    "google.events.firebase.analytics.v1.AnalyticsLogData": analytics_log,
    "google.events.firebase.firebasealerts.v1.AlertData": alert,
    "google.events.firebase.auth.v1.AuthEventData": auth_user,
    "google.events.firebase.testlab.v1.TestMatrixEventData": test_matrix,
    "google.events.firebase.remoteconfig.v1.RemoteConfigEventData": remote_config,
    "google.events.firebase.database.v1.ReferenceEventData": reference_event,
    "google.events.cloud.scheduler.v1.SchedulerJobData": scheduler_job,
    "google.events.cloud.storage.v1.StorageObjectData": storage_object,
    "google.events.cloud.pubsub.v1.MessagePublishedData": message_published,
    "google.events.cloud.firestore.v1.DocumentEventData": document_event,
    "google.events.cloud.datastore.v1.EntityEventData": entity_event,
}


def generate(request):
    cls = MESSAGES[request["message"]]
    r = random.Random(request["seed"])
    out = []
    for i in range(request["count"]):
        m = GENERATORS[request["message"]](r)
        out.append({
            "protobuf": base64.b64encode(cls.serialize(m)).decode(),
            "json": cls.to_json(m, use_integers_for_enums=(i % 2 == 1)),
        })
    return out


def verify(request):
    cls = MESSAGES[request["message"]]
    mismatches = []
    for i, case in enumerate(request["cases"]):
        original = cls.deserialize(base64.b64decode(case["original"]))
        from_protobuf = cls.deserialize(base64.b64decode(case["protobuf"]))
        from_json = cls.from_json(case["json"], ignore_unknown_fields=True)
        for name, ours in (("protobuf", from_protobuf), ("json", from_json)):
            if ours != original:
                mismatches.append({"case": i, "encoding": name, "original": cls.to_json(original), "ours": cls.to_json(ours)})
    return {"checked": len(request["cases"]), "mismatches": mismatches[:5], "mismatch_count": len(mismatches)}


if __name__ == "__main__":
    command = sys.argv[1]
    request = json.load(sys.stdin)
    result = generate(request) if command == "generate" else verify(request)
    json.dump(result, sys.stdout)
