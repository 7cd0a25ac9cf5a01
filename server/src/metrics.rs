//! Prometheus metrics served at `/metrics`: requests by route and status, a latency histogram
//! and the bytes that crossed the wire in each direction, counted as requests pass; and the
//! gauges of one scrape ([`Gauges`]: queues, running tasks, upload sessions, event streams,
//! caches), which `ops.rs` reads from the modules that own them at scrape time. Nothing here
//! is imported by those modules: the values flow one way, from them to the scrape.

use std::{
    pin::Pin,
    sync::{Arc, Mutex, atomic::AtomicU64},
    task::{Context, Poll},
};

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::combinators::BoxBody;
use prometheus_client::{
    encoding::{
        EncodeLabelSet,
        text::{encode_eof, encode_registry},
    },
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

use crate::cache_stats::CacheCounts;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

fn latency_histogram() -> Histogram {
    // 1 ms … ~33 s
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

/// The registry and the handles the request middleware updates.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    bytes_in: Counter,
    bytes_out: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("stratus");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let bytes_in = Counter::default();
        let bytes_out = Counter::default();
        registry.register(
            "http_requests",
            "HTTP requests by route, method and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to the response head, by route",
            latency.clone(),
        );
        registry.register(
            "http_received_bytes",
            "Request body bytes received",
            bytes_in.clone(),
        );
        registry.register(
            "http_sent_bytes",
            "Response body bytes sent",
            bytes_out.clone(),
        );
        Self {
            registry: Mutex::new(registry),
            requests,
            latency,
            bytes_in,
            bytes_out,
        }
    }
}

impl Metrics {
    /// Records one finished request head.
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                method: method.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// Wraps a request body so its bytes are counted as they are read.
    pub fn count_in(&self, body: poem::Body) -> poem::Body {
        counted(body, self.bytes_in.clone())
    }

    /// Wraps a response body so its bytes are counted as they are sent.
    pub fn count_out(&self, body: poem::Body) -> poem::Body {
        counted(body, self.bytes_out.clone())
    }

    /// The text exposition format: the counters, then `gauges`.
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::new();
        {
            let registry = self.registry.lock().unwrap_or_else(|e| e.into_inner());
            encode_registry(&mut out, &registry).expect("writing to a String cannot fail");
        }
        encode_registry(&mut out, &gauges.registry()).expect("writing to a String cannot fail");
        encode_eof(&mut out).expect("writing to a String cannot fail");
        out
    }
}

/// What one scrape reads from the modules. The database part is `None` when the database
/// did not answer: the scrape still shows the rest.
#[derive(Debug, Default)]
pub struct Gauges {
    pub database: Option<DbGauges>,
    /// Tasks this instance runs now.
    pub running_tasks: u64,
    /// File event streams open on this instance.
    pub file_event_subscribers: u64,
    /// Task progress streams open on this instance.
    pub task_event_streams: u64,
    /// Each in-memory cache by name.
    pub caches: Vec<(&'static str, CacheCounts)>,
}

/// The gauges read from the database, the same on every instance.
#[derive(Debug, Default)]
pub struct DbGauges {
    /// One line per named queue and live status (`queued`, `processing`, `suspending`),
    /// zeros included: `(queue, status, tasks)`.
    pub queue_tasks: Vec<(String, String, i64)>,
    /// Per named queue, how long its longest-waiting runnable queued task has waited
    /// (0 when none waits).
    pub queue_oldest_age: Vec<(String, f64)>,
    /// Upload sessions not yet expired.
    pub upload_sessions: u64,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueStatusLabels {
    queue: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    queue: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    cache: &'static str,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// A gauge holding `value`.
fn gauge(value: i64) -> Gauge {
    let g = Gauge::default();
    g.set(value);
    g
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Gauges {
    /// A registry of this scrape's values, made anew for each scrape so nothing from an
    /// earlier one lingers.
    fn registry(&self) -> Registry {
        let mut registry = Registry::with_prefix("stratus");
        if let Some(db) = &self.database {
            let tasks = Family::<QueueStatusLabels, Gauge>::default();
            for (queue, status, n) in &db.queue_tasks {
                let labels = QueueStatusLabels {
                    queue: queue.clone(),
                    status: status.clone(),
                };
                tasks.get_or_create(&labels).set(*n);
            }
            registry.register(
                "queue_tasks",
                "Tasks queued, processing or suspended, by queue and status, on every instance",
                tasks,
            );
            let age = Family::<QueueLabels, FloatGauge>::default();
            for (queue, seconds) in &db.queue_oldest_age {
                let labels = QueueLabels {
                    queue: queue.clone(),
                };
                age.get_or_create(&labels).set(*seconds);
            }
            registry.register(
                "queue_oldest_task_age_seconds",
                "How long the longest-waiting runnable queued task of the queue has waited (0 when none waits)",
                age,
            );
            registry.register(
                "upload_sessions_open",
                "Upload sessions not yet completed, canceled or expired, on every instance",
                gauge(count(db.upload_sessions)),
            );
        }
        registry.register(
            "tasks_running",
            "Tasks this instance is running now",
            gauge(count(self.running_tasks)),
        );
        registry.register(
            "file_event_subscribers",
            "File event streams (GET /api/v4/file/events) open on this instance",
            gauge(count(self.file_event_subscribers)),
        );
        registry.register(
            "task_event_streams",
            "Task progress streams (GET /api/v4/workflow/progress/:id/stream) open on this instance",
            gauge(count(self.task_event_streams)),
        );
        self.register_caches(&mut registry);
        registry
    }

    fn register_caches(&self, registry: &mut Registry) {
        let hits = Family::<CacheLabels, Counter>::default();
        let misses = Family::<CacheLabels, Counter>::default();
        let ratio = Family::<CacheLabels, FloatGauge>::default();
        let entries = Family::<CacheLabels, Gauge>::default();
        for (cache, c) in &self.caches {
            let labels = CacheLabels { cache };
            hits.get_or_create(&labels).inc_by(c.hits);
            misses.get_or_create(&labels).inc_by(c.misses);
            let lookups = c.hits + c.misses;
            let share = if lookups == 0 {
                0.0
            } else {
                c.hits as f64 / lookups as f64
            };
            ratio.get_or_create(&labels).set(share);
            entries.get_or_create(&labels).set(count(c.entries));
        }
        registry.register(
            "cache_hits",
            "Lookups answered from an in-memory cache on this instance, since the start",
            hits,
        );
        registry.register(
            "cache_misses",
            "Lookups an in-memory cache could not answer (a read of the source) on this instance, since the start",
            misses,
        );
        registry.register(
            "cache_hit_ratio",
            "Hits over lookups of an in-memory cache since the start (0 before any lookup)",
            ratio,
        );
        registry.register(
            "cache_entries",
            "Entries an in-memory cache holds now",
            entries,
        );
    }
}

fn counted(body: poem::Body, counter: Counter) -> poem::Body {
    let inner: BoxBody<Bytes, std::io::Error> = body.into();
    BoxBody::new(CountingBody { inner, counter }).into()
}

/// Forwards every frame (and the size hint, so `Content-Length` survives) while counting.
struct CountingBody {
    inner: BoxBody<Bytes, std::io::Error>,
    counter: Counter,
}

impl HttpBody for CountingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let poll = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &poll
            && let Some(data) = frame.data_ref()
        {
            self.counter.inc_by(data.len() as u64);
        }
        poll
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Shared handle kept in the application state.
pub type SharedMetrics = Arc<Metrics>;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_bytes_and_requests() {
        let metrics = Metrics::default();
        let body = metrics.count_out(poem::Body::from_string("hello".into()));
        assert_eq!(body.into_bytes().await.unwrap().len(), 5);
        metrics.observe("site_ping", "GET", 200, 0.002);
        let text = metrics.render(&Gauges::default());
        assert!(text.contains("stratus_http_sent_bytes_total 5"), "{text}");
        assert!(text.contains("route=\"site_ping\""), "{text}");
        assert!(text.contains("stratus_http_request_duration_seconds_bucket"));
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn renders_the_gauges_of_a_scrape() {
        let gauges = Gauges {
            database: Some(DbGauges {
                queue_tasks: vec![("thumb".into(), "queued".into(), 3)],
                queue_oldest_age: vec![("thumb".into(), 1.5)],
                upload_sessions: 2,
            }),
            running_tasks: 1,
            file_event_subscribers: 4,
            task_event_streams: 5,
            caches: vec![(
                "settings",
                CacheCounts {
                    hits: 3,
                    misses: 1,
                    entries: 1,
                },
            )],
        };
        let text = Metrics::default().render(&gauges);
        for line in [
            "# TYPE stratus_queue_tasks gauge",
            "stratus_queue_tasks{queue=\"thumb\",status=\"queued\"} 3",
            "stratus_queue_oldest_task_age_seconds{queue=\"thumb\"} 1.5",
            "stratus_upload_sessions_open 2",
            "stratus_tasks_running 1",
            "stratus_file_event_subscribers 4",
            "stratus_task_event_streams 5",
            "# TYPE stratus_cache_hits counter",
            "stratus_cache_hits_total{cache=\"settings\"} 3",
            "stratus_cache_misses_total{cache=\"settings\"} 1",
            "stratus_cache_hit_ratio{cache=\"settings\"} 0.75",
            "stratus_cache_entries{cache=\"settings\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "no {line:?} in:\n{text}");
        }
        assert_eq!(text.matches("# EOF").count(), 1, "{text}");
        // Without the database, its gauges are left out and the rest stays.
        let text = Metrics::default().render(&Gauges::default());
        assert!(!text.contains("stratus_queue_tasks"), "{text}");
        assert!(text.contains("stratus_tasks_running 0"), "{text}");
    }
}
