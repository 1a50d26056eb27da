//! Saving a recurring billing plan (creating one, changing one, switching
//! it on or off) as a state machine.
//!
//! The form is checked before anything is sent, so every wrong field is
//! named at once; one request per save, however often the button is
//! pressed while it is in flight; a server refusal that names a field
//! (`amount: cannot be negative`) goes next to that field; a created plan
//! opens its own page.

use crate::api::ApiError;
use crate::domain::locale::Locale;
use crate::domain::plan::{
    NewPlan, Plan, PlanChanges, PlanField, PlanFieldError, PlanForm, PlanId, PlanName, PlanRef,
    PlanValidationErrors,
};

use super::{Effect, Env, Machine, ShellAnswer, ShellEffect};

/// The plans list's route.
pub const PLANS_PATH: &str = "/plans";
/// The query a created plan's page is opened with, to say it was created.
pub const CREATED_QUERY: &str = "saved=created";

/// `/plans/5001` or `/plans/*starter-monthly`.
pub fn plan_path(reference: &PlanRef) -> String {
    format!("{PLANS_PATH}/{}", reference.path_segment())
}

/// The field a server's 400/422 answer (or a refusal before sending) names,
/// with its problem as the server wrote it, so it is shown next to that
/// field.
pub fn refused_field(error: &ApiError) -> Option<(PlanField, String)> {
    const FIELDS: [PlanField; 7] = [
        PlanField::Name,
        PlanField::Code,
        PlanField::AccountId,
        PlanField::Amount,
        PlanField::TaxAmount,
        PlanField::BillingCycleType,
        PlanField::IsActive,
    ];
    let (name, problem) = match error {
        ApiError::Validation { field, message } => (field.as_str(), message.as_str()),
        ApiError::Http {
            status: 400 | 422,
            body: Some(body),
            ..
        } => {
            let (name, problem) = body.error_description.as_deref()?.split_once(':')?;
            (name.trim(), problem.trim())
        }
        _ => return None,
    };
    let field = FIELDS.into_iter().find(|f| f.api_name() == name)?;
    Some((field, problem.to_owned()))
}

/// The change that switches `plan` on or off and keeps everything else as
/// the server sent it (an unknown billing cycle included); refused when
/// the plan's name is one a save would not accept.
pub fn toggled(plan: &Plan) -> Result<PlanChanges, PlanFieldError> {
    Ok(PlanChanges {
        name: PlanName::parse(&plan.name)?,
        amount: plan.amount,
        tax_amount: plan.tax_amount,
        billing_cycle_type: plan.billing_cycle_type.clone(),
        is_active: !plan.is_active,
    })
}

/// What a save did, said above the plan afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created,
    Changed,
    Activated,
    Deactivated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Answered with [`Event::Answered`].
    Create(NewPlan),
    /// Answered with [`Event::Answered`].
    Modify(PlanId, PlanChanges),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The new-plan form is sent, its amounts written the way `locale`
    /// writes them.
    Create {
        form: PlanForm,
        locale: Locale,
    },
    /// The edit form of `plan` is sent.
    Change {
        plan: Box<Plan>,
        form: PlanForm,
        locale: Locale,
    },
    /// Switch `plan` on or off.
    Toggle(Box<Plan>),
    Answered(Result<Plan, ApiError>),
    /// An answer this flow never asks for.
    Unasked(ShellAnswer),
}

impl From<ShellAnswer> for Event {
    fn from(answer: ShellAnswer) -> Self {
        Self::Unasked(answer)
    }
}

pub type SaveEffect = Effect<Request, Event>;

#[derive(Debug, Clone, PartialEq)]
pub enum SavePhase {
    /// Nothing sent yet, or the last problem was put right.
    Editing,
    /// The form has wrong fields; nothing was sent.
    Invalid(PlanValidationErrors),
    /// The plan's name cannot be saved, so it cannot be switched on or off
    /// until it is changed.
    NameUnsaveable(PlanFieldError),
    /// A request is in flight.
    Saving(Saved),
    /// Saved: the plan as the server now has it.
    Done { plan: Box<Plan>, saved: Saved },
    /// The server refused one field, with its words.
    FieldRefused { field: PlanField, problem: String },
    /// The save failed; sending again retries it.
    Failed(ApiError),
}

/// One plan form's saves.
#[derive(Debug, Clone)]
pub struct PlanSaveFlow {
    phase: SavePhase,
}

impl Default for PlanSaveFlow {
    fn default() -> Self {
        Self {
            phase: SavePhase::Editing,
        }
    }
}

impl PlanSaveFlow {
    pub fn phase(&self) -> &SavePhase {
        &self.phase
    }

    pub fn is_saving(&self) -> bool {
        matches!(self.phase, SavePhase::Saving(_))
    }

    fn send(&mut self, saved: Saved, request: Request) -> Vec<SaveEffect> {
        self.phase = SavePhase::Saving(saved);
        vec![Effect::Send(request)]
    }
}

impl Machine for PlanSaveFlow {
    type Event = Event;
    type Request = Request;

    fn update(&mut self, event: Event, _env: &Env) -> Vec<SaveEffect> {
        if self.is_saving() && !matches!(event, Event::Answered(_)) {
            return Vec::new();
        }
        match event {
            Event::Create { form, locale } => match form.with_decimal_dots(locale).validate_new() {
                Ok(new) => self.send(Saved::Created, Request::Create(new)),
                Err(errors) => {
                    self.phase = SavePhase::Invalid(errors);
                    Vec::new()
                }
            },
            Event::Change { plan, form, locale } => {
                match form.with_decimal_dots(locale).validate_changes(&plan) {
                    Ok(changes) => self.send(Saved::Changed, Request::Modify(plan.id, changes)),
                    Err(errors) => {
                        self.phase = SavePhase::Invalid(errors);
                        Vec::new()
                    }
                }
            }
            Event::Toggle(plan) => match toggled(&plan) {
                Ok(changes) => {
                    let saved = if changes.is_active {
                        Saved::Activated
                    } else {
                        Saved::Deactivated
                    };
                    self.send(saved, Request::Modify(plan.id, changes))
                }
                Err(problem) => {
                    self.phase = SavePhase::NameUnsaveable(problem);
                    Vec::new()
                }
            },
            Event::Answered(answer) => {
                let SavePhase::Saving(saved) = self.phase else {
                    return Vec::new();
                };
                match answer {
                    Ok(plan) => {
                        let opened = (saved == Saved::Created).then(|| {
                            let path = plan_path(&PlanRef::Id(plan.id));
                            Effect::Shell(ShellEffect::Navigate(format!("{path}?{CREATED_QUERY}")))
                        });
                        self.phase = SavePhase::Done {
                            plan: Box::new(plan),
                            saved,
                        };
                        opened.into_iter().collect()
                    }
                    Err(error) => {
                        self.phase = match refused_field(&error) {
                            Some((field, problem)) => SavePhase::FieldRefused { field, problem },
                            None => SavePhase::Failed(error),
                        };
                        Vec::new()
                    }
                }
            }
            Event::Unasked(_) => Vec::new(),
        }
    }
}
