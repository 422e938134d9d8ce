"""Independent-client check of the worker's wire format, with kafka-python.

Produces raw article events (good and bad, with headers) to the input topic,
then reads the enriched events and dead letters back, and prints one JSON
object per output line on stdout for the Rust test to check. Exits non-zero
when the outputs do not all arrive in time.

usage: roundtrip.py BOOTSTRAP INPUT OUTPUT DEAD_LETTER
"""

import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

bootstrap, input_topic, output_topic, dlq_topic = sys.argv[1:5]

events = [
    ("py-json", json.dumps({"id": "py-1", "title": "From Python", "text": "Python sent this. \"It works,\" said Ada Byron."}).encode(), [("traceparent", b"00-11111111111111111111111111111111-2222222222222222-01")]),
    ("py-plain", b" date 2024-06-01 A plain text article sent by kafka-python.", []),
    ("py-bad", b"{\"id\": \"py-bad\", \"text\": ", [("x-client", b"kafka-python")]),
]

producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
for key, value, headers in events:
    producer.send(input_topic, key=key.encode(), value=value, headers=headers)
producer.flush(30)
producer.close()

consumer = KafkaConsumer(
    bootstrap_servers=bootstrap,
    enable_auto_commit=False,
    consumer_timeout_ms=1000,
)
parts = [TopicPartition(output_topic, p) for p in consumer.partitions_for_topic(output_topic) or [0]]
parts += [TopicPartition(dlq_topic, p) for p in consumer.partitions_for_topic(dlq_topic) or [0]]
consumer.assign(parts)
consumer.seek_to_beginning(*parts)

seen = []
deadline = time.time() + 60
while len(seen) < len(events) and time.time() < deadline:
    for batch in consumer.poll(timeout_ms=500).values():
        for m in batch:
            seen.append(
                {
                    "topic": m.topic,
                    "key": m.key.decode() if m.key is not None else None,
                    "value": m.value.decode("utf-8", "replace") if m.value is not None else None,
                    "headers": {k: v.decode("utf-8", "replace") for k, v in m.headers},
                }
            )
consumer.close()
for s in seen:
    print(json.dumps(s))
sys.exit(0 if len(seen) == len(events) else 1)
