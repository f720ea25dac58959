//! The block's stage select: on each open deal shown unfolded, the stages of the deal's pipeline (the one it is in
//! chosen), then "Won" and "Lost", and "Move". The options of a pipeline are built once per render and shared by
//! its deals; each deal adds only its own form and which option it is in.

use std::sync::Arc;

use domain::StageRef;
use domain::deal_change::{STATUS_LOST, STATUS_WON};
use domain::model::{DealView, PipelineStages};

use super::style::{FormTarget, Pill};

/// One pipeline's options, shared by its deals.
pub(crate) struct StageOptions {
    pub pipeline: i64,
    /// Its regular stages: `pipeline:status` and the stage's name and colours.
    pub stages: Vec<(String, Pill)>,
    /// The values of "Won" and "Lost" in this pipeline.
    pub won: String,
    pub lost: String,
}

impl StageOptions {
    /// The options of every pipeline the block's open deals are in.
    pub(crate) fn all(pipelines: &[PipelineStages]) -> Vec<Arc<Self>> {
        pipelines
            .iter()
            .map(|p| {
                let value = |status| StageRef::new(p.id, status).to_string();
                Arc::new(Self {
                    pipeline: p.id,
                    stages: p
                        .stages
                        .iter()
                        .map(|s| (value(s.id), Pill::new(&s.name, &s.color)))
                        .collect(),
                    won: value(STATUS_WON),
                    lost: value(STATUS_LOST),
                })
            })
            .collect()
    }
}

/// The stage select of one deal.
pub(crate) struct StageMove {
    /// Where it posts, with the deal's own token.
    pub form: FormTarget,
    /// Its pipeline's options.
    pub options: Arc<StageOptions>,
    /// The value of the stage the deal is in.
    pub current: String,
    /// Whether that stage is among the options (an incoming stage is not: it comes first, alone).
    pub offered: bool,
}

impl StageMove {
    /// The select of `deal`, when its pipeline's options are known.
    pub(crate) fn of(deal: &DealView, form: FormTarget, all: &[Arc<StageOptions>]) -> Option<Self> {
        let options = all.iter().find(|o| o.pipeline == deal.pipeline.0)?.clone();
        let current = StageRef::new(deal.pipeline.0, deal.stage.id).to_string();
        let offered = options.stages.iter().any(|(value, _)| *value == current);
        Some(Self {
            form,
            options,
            current,
            offered,
        })
    }
}
