//! Leads requests of blocks waiting at the same time, merged into one batched call.
//!
//! A block asks for its contacts' deals by id. When another block of the same connection has a leads call waiting
//! for its turn at the account's limiter, the new ids join that call (up to amoCRM's page of 250) instead of making
//! one more: the call's query is made only when the request has its slot ([`amocrm::LeadsApi::list_all_deferred`]),
//! and every block then takes back the leads it asked for. With the account idle, the call goes at once with one
//! block's ids — nothing waits for others to join.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use amocrm::{AmoClient, Lead, LeadsQuery};

use crate::Error;
use crate::cache::SharedWork;
use crate::store::ConnectionId;

/// The most ids one leads call carries (amoCRM's largest page).
pub const MAX_BATCH_IDS: usize = 250;

/// The ids of one call: open while the call waits for its slot, closed once its query is made.
#[derive(Default)]
struct BatchIds {
    ids: BTreeSet<i64>,
    closed: bool,
}

struct Batch {
    ids: Mutex<BatchIds>,
    work: Mutex<Option<SharedWork<Vec<Lead>>>>,
}

impl Batch {
    /// Adds `ids` when the call has not been sent and they fit in it.
    fn try_join(&self, ids: &BTreeSet<i64>) -> bool {
        let mut batch = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        if batch.closed || batch.ids.union(ids).count() > MAX_BATCH_IDS {
            return false;
        }
        batch.ids.extend(ids);
        true
    }

    /// The query, closing the batch: nothing joins it from now on (a retry asks again and gets the same ids).
    fn close(&self) -> LeadsQuery {
        let mut batch = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        batch.closed = true;
        LeadsQuery {
            ids: batch.ids.iter().copied().collect(),
            limit: Some(u32::try_from(MAX_BATCH_IDS).unwrap_or(u32::MAX)),
            ..LeadsQuery::default()
        }
    }
}

/// The open batch of each connection.
#[derive(Default)]
pub(crate) struct LeadBatches {
    open: Mutex<HashMap<ConnectionId, Arc<Batch>>>,
}

impl LeadBatches {
    /// The leads with these ids (at most [`MAX_BATCH_IDS`]), through the connection's open batch or a new one
    /// sent by `client`.
    pub(crate) async fn leads(
        &self,
        connection_id: ConnectionId,
        client: &AmoClient,
        ids: BTreeSet<i64>,
    ) -> Result<Vec<Lead>, Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let work = {
            let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
            let joined = open
                .get(&connection_id)
                .filter(|batch| batch.try_join(&ids))
                .and_then(|batch| {
                    batch
                        .work
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .clone()
                });
            match joined {
                Some(work) => work,
                None => {
                    let batch = Arc::new(Batch {
                        ids: Mutex::new(BatchIds {
                            ids: ids.clone(),
                            closed: false,
                        }),
                        work: Mutex::new(None),
                    });
                    let work = spawn_call(batch.clone(), client.clone());
                    *batch.work.lock().unwrap_or_else(PoisonError::into_inner) = Some(work.clone());
                    open.insert(connection_id, batch);
                    work
                }
            }
        };
        let all = work.await?;
        Ok(all
            .iter()
            .filter(|l| ids.contains(&l.id))
            .cloned()
            .collect())
    }
}

/// Sends the batch's call in its own task, so it keeps its place at the limiter whoever waits for it.
fn spawn_call(batch: Arc<Batch>, client: AmoClient) -> SharedWork<Vec<Lead>> {
    use futures_util::FutureExt;
    let handle = tokio::spawn(async move {
        let leads = crate::retry::read(|| {
            let batch = batch.clone();
            let client = client.clone();
            async move {
                client
                    .leads()
                    .list_all_deferred(move || batch.close())
                    .await
            }
        })
        .await?;
        Ok::<_, Error>(Arc::new(leads))
    });
    async move {
        handle
            .await
            .unwrap_or_else(|e| Err(Error::Internal(format!("the leads call failed: {e}"))))
    }
    .boxed()
    .shared()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use amocrm::{AccountHost, HostPolicy, LocalRateLimiter, Priority, PriorityGate, StaticToken};
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    fn leads_fixture() -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/domain/leads.json"
        );
        std::fs::read_to_string(path).expect("the leads fixture")
    }

    /// Lets other tasks run until `done` holds.
    async fn until(done: impl Fn() -> bool) {
        while !done() {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn leads_of_two_blocks_waiting_together_come_in_one_call_and_each_block_gets_its_own() {
        // Arrange: one call for all three ids, answered with the three leads.
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v4/leads"))
            .and(query_param("filter[id][]", "4001"))
            .and(query_param("filter[id][]", "4002"))
            .and(query_param("filter[id][]", "4101"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-type", "application/hal+json")
                    .set_body_string(leads_fixture()),
            )
            .expect(1)
            .mount(&server)
            .await;
        let policy = HostPolicy::with_extra_allowed(vec![server.uri()]);
        let host = AccountHost::parse(&server.uri(), &policy).unwrap();
        let account = host.as_str().to_owned();
        // A gate of one permit, held by the test: the first block's call waits for its turn.
        let gate = PriorityGate::new(1, Duration::from_secs(1));
        let held = gate.acquire(&account, Priority::Write, None).await.unwrap();
        let client = AmoClient::builder(host, Arc::new(StaticToken::new("t")))
            .rate_limiter(Arc::new(LocalRateLimiter::new(
                1000,
                Duration::from_secs(1),
            )))
            .gate(gate.clone(), Priority::Interactive)
            .build();
        let batches = Arc::new(LeadBatches::default());
        let connection = ConnectionId::new_random();
        // Block A shows a contact with deals 4001 and 4002; block B shows the same contact and another with 4101.
        let a = {
            let (batches, client) = (batches.clone(), client.clone());
            tokio::spawn(async move {
                batches
                    .leads(connection, &client, BTreeSet::from([4001, 4002]))
                    .await
            })
        };
        until(|| gate.waiting(&account) == 1).await;
        let b = {
            let (batches, client) = (batches.clone(), client.clone());
            tokio::spawn(async move {
                batches
                    .leads(connection, &client, BTreeSet::from([4001, 4002, 4101]))
                    .await
            })
        };
        let joined = || {
            let open = batches.open.lock().unwrap();
            open.get(&connection)
                .is_some_and(|batch| batch.ids.lock().unwrap().ids.len() == 3)
        };
        until(joined).await;
        assert_eq!(gate.waiting(&account), 1, "block B joined A's call");

        // Act
        drop(held);
        let a = a.await.unwrap().unwrap();
        let b = b.await.unwrap().unwrap();

        // Assert
        let ids = |leads: &[Lead]| leads.iter().map(|l| l.id).collect::<Vec<_>>();
        assert_eq!(ids(&a), vec![4001, 4002]);
        assert_eq!(ids(&b), vec![4001, 4002, 4101]);
        assert_eq!(a[0].name, b[0].name);
    }

    #[test]
    fn a_batch_takes_no_ids_once_its_query_is_made_nor_beyond_250() {
        let batch = Batch {
            ids: Mutex::new(BatchIds {
                ids: (1..=249).collect(),
                closed: false,
            }),
            work: Mutex::new(None),
        };
        assert!(!batch.try_join(&BTreeSet::from([500, 501])), "251 ids");
        assert!(batch.try_join(&BTreeSet::from([1, 500])), "250 ids");
        let query = batch.close();
        assert_eq!(query.ids.len(), 250);
        assert!(!batch.try_join(&BTreeSet::from([1])), "closed");
        assert_eq!(
            batch.close().ids,
            query.ids,
            "a retry asks for the same ids"
        );
    }
}
