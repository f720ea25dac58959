//! Reliability and security: faults from amoCRM and Usedesk, crashes, two replicas, hostile input — through
//! the real server (in-process, or as child processes of the built binary) against the sandbox.

mod support;

mod backup;
mod crash;
mod faults;
mod hostile;
mod limits;
mod replicas;
mod startup;
mod webhooks;
