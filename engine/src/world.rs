//! The simulation's mutable state: people, departments, systems, tickets, pull requests, the
//! social graph, the clocks and the random streams. Built once from the scenario.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rand_chacha::ChaCha8Rng;

use crate::artifact::ArtifactRef;
use crate::calendar::{BusinessCalendar, Instant};
use crate::centrality::Brandes;
use crate::clock::{Block, Clocks};
use crate::event::{Draft, EventKind, Priority, TicketKind, TicketStatus};
use crate::graph::{Member, SocialGraph};
use crate::rng::{Draw, RngTree};
use crate::scenario::{Hours, Person, Scenario, WritingStyle};

/// A person and their state.
#[derive(Debug, Clone)]
pub(crate) struct PersonState {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub department: usize,
    pub is_lead: bool,
    pub style: WritingStyle,
    pub quirks: Vec<String>,
    pub focus_hours: f64,
    pub expertise: Vec<usize>,
    pub hours: Hours,
    pub night_owl: bool,
    pub stress: f64,
    /// Stress this person settles back to when nothing happens (the persona's value).
    pub base_stress: f64,
    /// Consecutive days ending over the burnout threshold.
    pub days_over_threshold: u32,
    /// Business day burnout was recorded, while burnt out.
    pub burnt_out_since: Option<u32>,
    /// Normalized betweenness centrality, as of the latest recomputation.
    pub centrality: f64,
    /// In the on-call and reviewer pools (hires join after their ramp).
    pub in_rotation: bool,
    /// A hire's mentor.
    pub mentor: Option<usize>,
    /// A hire whose ties are not yet warm.
    pub warming_up: bool,
    pub joined_day: u32,
    pub left_day: Option<u32>,
    /// Hours logged per ticket on the most recent work day, for stand-ups.
    pub hours_logged_last_day: Vec<(usize, f64)>,
    pub hours_logged_today: Vec<(usize, f64)>,
}

impl PersonState {
    /// Present (employed) on business day `day`.
    pub fn employed_on(&self, day: u32) -> bool {
        self.joined_day <= day && self.left_day.is_none_or(|left| day < left)
    }
}

/// A department and its state.
#[derive(Debug, Clone)]
pub(crate) struct DepartmentState {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub space: String,
    pub home_channel: String,
    pub ships_code: bool,
    pub lead: usize,
    /// Current members in scenario order, hires appended.
    pub members: Vec<usize>,
    pub owned_systems: Vec<usize>,
    pub next_ticket_number: u32,
    /// Tickets committed to the current sprint.
    pub sprint_tickets: Vec<usize>,
    pub sprint_points: u32,
}

/// A system and its state.
#[derive(Debug, Clone)]
pub(crate) struct SystemState {
    pub id: String,
    pub name: String,
    /// Documentation coverage in [0, 1].
    pub coverage: f64,
    /// People who know it well (expertise), in person order; departed people are removed.
    pub experts: Vec<usize>,
    /// Department that owns it.
    pub department: usize,
    /// The person who owns it.
    pub owner: usize,
    /// Who knew it last, when nobody present does.
    pub orphan: Option<Orphan>,
    /// Health in [0, 1]; 1 is fully healthy.
    pub health: f64,
}

/// Knowledge of a system that left with a person.
#[derive(Debug, Clone)]
pub(crate) struct Orphan {
    pub person: String,
    pub name: String,
    /// Business day they left; 0 or less for people who left before the run.
    pub day: i64,
    pub documented_pct: f64,
}

/// The edge list at one moment: (day, label, edges as (member, member, weight)).
pub(crate) type GraphMoment = (u32, String, Vec<(Member, Member, f64)>);

/// An external relationship (a customer account or a vendor) and who owns it.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub id: String,
    pub party: crate::event::PartyKind,
    pub liaison: usize,
    /// Contact indices (into [`World::contacts`]) of the party's people.
    pub contacts: Vec<usize>,
}

/// A person at an external organization: a node of the social graph.
#[derive(Debug, Clone)]
pub(crate) struct ExternalContact {
    /// Email address, the contact's id in the output.
    pub email: String,
}

/// A ticket and its hidden truth (actual hours).
#[derive(Debug, Clone)]
pub(crate) struct Ticket {
    pub key: String,
    pub department: usize,
    pub title: String,
    pub kind: TicketKind,
    pub priority: Priority,
    pub system: Option<usize>,
    pub points: u32,
    pub estimate_hours: f64,
    pub actual_hours: f64,
    pub spent_hours: f64,
    pub status: TicketStatus,
    pub assignee: usize,
    pub reporter: usize,
    pub sprint: u32,
    pub created_at: Instant,
    pub last_activity: Instant,
    pub pull_request: Option<usize>,
    pub done_at: Option<Instant>,
}

/// Where a pull request is in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrState {
    /// Waiting for the reviewers in `pending`.
    InReview,
    /// A reviewer asked for changes; the owner must revise.
    ChangesRequested,
    /// Every reviewer approved the final round.
    Approved,
    Merged,
}

/// A pull request.
#[derive(Debug, Clone)]
pub(crate) struct PullRequest {
    pub number: u32,
    pub ticket: usize,
    pub author: usize,
    /// Who finishes it (the author, or whoever took it over).
    pub owner: usize,
    pub reviewers: Vec<usize>,
    pub pending: Vec<usize>,
    pub planned_rounds: u32,
    pub round: u32,
    pub state: PrState,
    pub last_activity: Instant,
    /// Merge commit id, once merged.
    pub merge_commit: Option<String>,
}

/// The random streams, one per subsystem.
pub(crate) struct Streams {
    pub planning: ChaCha8Rng,
    pub work: ChaCha8Rng,
    pub reviews: ChaCha8Rng,
    pub collaboration: ChaCha8Rng,
    pub graph: ChaCha8Rng,
    pub stamps: ChaCha8Rng,
    pub ids: ChaCha8Rng,
    pub attrition: ChaCha8Rng,
    pub incidents: ChaCha8Rng,
    pub email: ChaCha8Rng,
    /// Alert and root-cause texts.
    pub texts: ChaCha8Rng,
}

impl Streams {
    fn new(tree: &RngTree) -> Streams {
        Streams {
            planning: tree.stream("planning"),
            work: tree.stream("work"),
            reviews: tree.stream("reviews"),
            collaboration: tree.stream("collaboration"),
            graph: tree.stream("graph"),
            stamps: tree.stream("stamps"),
            ids: tree.stream("ids"),
            attrition: tree.stream("attrition"),
            incidents: tree.stream("incidents"),
            email: tree.stream("email"),
            texts: tree.stream("texts"),
        }
    }
}

/// Everything the simulation mutates.
pub(crate) struct World<'s> {
    pub spec: &'s Scenario,
    pub calendar: BusinessCalendar,
    pub people: Vec<PersonState>,
    pub person_index: BTreeMap<String, usize>,
    pub departments: Vec<DepartmentState>,
    pub systems: Vec<SystemState>,
    pub tickets: Vec<Ticket>,
    pub pull_requests: Vec<PullRequest>,
    pub graph: SocialGraph,
    /// Betweenness buffers, reused daily.
    pub brandes: Brandes,
    /// Graph version and roster size centrality was last computed for.
    pub centrality_of: Option<(u64, usize)>,
    /// The live on-call rotation, in order.
    pub on_call: Vec<usize>,
    /// Customer accounts, then vendors, and their liaisons.
    pub accounts: Vec<Account>,
    /// External contacts (graph nodes), customers' then vendors', first occurrence of an address.
    pub contacts: Vec<ExternalContact>,
    /// Contact index by email address.
    pub contact_index: BTreeMap<String, usize>,
    /// Organization morale in [0, 1].
    pub morale: f64,
    /// Incidents so far, open and resolved, in opening order.
    pub incidents: Vec<crate::incident::Incident>,
    /// Mail state: customers, cooldowns, update threads, pending follow-ups.
    pub email: crate::email::EmailState,
    /// The org's recurrence detector over earlier incidents' texts.
    pub detector: crate::recurrence::Detector,
    /// The edge list right after each departure: (day, label, edges).
    pub graph_history: Vec<GraphMoment>,
    pub clocks: Clocks,
    pub rng: Streams,
    pub next_page_id: u32,
    pub day: u32,
    pub date: NaiveDate,
    pub sprint: u32,
    pub drafts: Vec<Draft>,
}

/// First page id, in the range Confluence uses.
const FIRST_PAGE_ID: u32 = 10001;

impl<'s> World<'s> {
    /// Builds the initial state from a validated scenario.
    pub fn new(
        spec: &'s Scenario,
        calendar: BusinessCalendar,
    ) -> Result<World<'s>, crate::recurrence::DetectorError> {
        let tree = RngTree::new(spec.seed);
        let mut person_index = BTreeMap::new();
        let systems: Vec<SystemState> = spec
            .systems
            .iter()
            .map(|s| SystemState {
                id: s.id.clone(),
                name: s.name.clone(),
                coverage: s.documentation,
                experts: Vec::new(),
                department: spec
                    .departments
                    .iter()
                    .position(|d| d.id == s.owner)
                    .unwrap_or(0),
                owner: 0,
                orphan: None,
                health: 1.0,
            })
            .collect();
        let mut world = World {
            spec,
            calendar,
            people: Vec::new(),
            person_index: BTreeMap::new(),
            departments: Vec::new(),
            systems,
            tickets: Vec::new(),
            pull_requests: Vec::new(),
            graph: SocialGraph::new(&spec.graph),
            brandes: Brandes::new(),
            centrality_of: None,
            on_call: Vec::new(),
            accounts: Vec::new(),
            contacts: Vec::new(),
            contact_index: BTreeMap::new(),
            morale: spec.morale.initial,
            incidents: Vec::new(),
            detector: crate::recurrence::Detector::new()?,
            email: crate::email::EmailState::new(
                spec.external.customers.len(),
                spec.external.customers.iter().map(|c| c.sentiment),
            ),
            graph_history: Vec::new(),
            clocks: Clocks::new(0),
            rng: Streams::new(&tree),
            next_page_id: FIRST_PAGE_ID,
            day: 0,
            date: spec.company.start_date,
            sprint: 0,
            drafts: Vec::new(),
        };
        for (d, dept) in spec.departments.iter().enumerate() {
            world.departments.push(DepartmentState {
                id: dept.id.clone(),
                name: dept.name.clone(),
                prefix: dept.ticket_prefix.clone(),
                space: dept.space_key().to_string(),
                home_channel: dept.home_channel().to_string(),
                ships_code: dept.ships_code,
                lead: 0,
                members: Vec::new(),
                owned_systems: spec
                    .systems
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.owner == dept.id)
                    .map(|(i, _)| i)
                    .collect(),
                next_ticket_number: 1,
                sprint_tickets: Vec::new(),
                sprint_points: 0,
            });
            for member in &dept.members {
                if let Some(person) = spec.people.iter().find(|p| &p.id == member) {
                    let index = world.add_person(person, d, 1);
                    person_index.insert(person.id.clone(), index);
                    if &dept.lead == member {
                        world.people[index].is_lead = true;
                        world.departments[d].lead = index;
                    }
                }
            }
        }
        world.person_index = person_index;
        world.seed_graph();
        world.on_call = world.initial_rotation();
        world.seed_accounts();
        crate::knowledge::init(&mut world);
        Ok(world)
    }

    /// The scenario's on-call list, or everyone in departments that ship code.
    fn initial_rotation(&self) -> Vec<usize> {
        let listed = &self.spec.incidents.on_call;
        if listed.is_empty() {
            (0..self.people.len())
                .filter(|&p| self.departments[self.people[p].department].ships_code)
                .collect()
        } else {
            listed
                .iter()
                .filter_map(|id| self.person_index.get(id).copied())
                .collect()
        }
    }

    /// Who is on call today: the rotation advances every `rotation_days` business days.
    pub fn on_call_today(&self) -> Option<usize> {
        let present: Vec<usize> = self
            .on_call
            .iter()
            .copied()
            .filter(|&p| self.clocks.present(p) && self.people[p].in_rotation)
            .collect();
        if present.is_empty() {
            return None;
        }
        let shift = (self.day.max(1) - 1) / self.spec.incidents.rotation_days.max(1);
        Some(present[shift as usize % present.len()])
    }

    /// Recomputes everyone's betweenness centrality over the people present when the graph or
    /// the roster changed since the last computation.
    pub fn refresh_centrality(&mut self) {
        let present = self.present_people();
        let key = (self.graph.version(), present.len());
        if self.centrality_of == Some(key) {
            return;
        }
        let values = self.centrality_over(&present);
        for person in &mut self.people {
            person.centrality = 0.0;
        }
        for (i, &p) in present.iter().enumerate() {
            self.people[p].centrality = values[i];
        }
        self.centrality_of = Some(key);
    }

    /// Betweenness centrality of `people` over the subgraph they induce.
    pub fn centrality_over(&mut self, people: &[usize]) -> Vec<f64> {
        let adjacency = self.graph.adjacency(people);
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(8);
        self.brandes.betweenness(&adjacency, threads)
    }

    /// Adds a person to department `department`, present from `joined_day`; returns the index.
    pub fn add_person(&mut self, person: &Person, department: usize, joined_day: u32) -> usize {
        let index = self.people.len();
        let expertise: Vec<usize> = person
            .persona
            .expertise
            .iter()
            .filter_map(|e| self.systems.iter().position(|s| &s.id == e))
            .collect();
        for &s in &expertise {
            self.systems[s].experts.push(index);
        }
        let email = person
            .email
            .clone()
            .unwrap_or_else(|| format!("{}@{}", person.id, self.spec.company.domain));
        self.people.push(PersonState {
            id: person.id.clone(),
            name: person.name.clone(),
            email,
            role: person.role.clone(),
            department,
            is_lead: false,
            style: person.persona.style,
            quirks: person.persona.quirks.clone(),
            focus_hours: person.persona.focus_hours,
            expertise,
            hours: person
                .persona
                .hours
                .unwrap_or(self.spec.calendar.business_hours),
            night_owl: person.persona.night_owl,
            stress: person.persona.stress,
            base_stress: person.persona.stress,
            days_over_threshold: 0,
            burnt_out_since: None,
            centrality: 0.0,
            in_rotation: joined_day <= 1,
            mentor: None,
            warming_up: joined_day > 1,
            joined_day,
            left_day: None,
            hours_logged_last_day: Vec::new(),
            hours_logged_today: Vec::new(),
        });
        self.person_index.insert(person.id.clone(), index);
        if let Some(dept) = self.departments.get_mut(department) {
            dept.members.push(index);
        }
        self.graph.add_person(index);
        self.clocks.resize(self.people.len());
        index
    }

    /// Sparse initial ties: lead-report, a few peers, leads among themselves, random cross ties.
    fn seed_graph(&mut self) {
        const PEERS_PER_PERSON: usize = 4;
        let g = self.spec.graph.clone();
        for dept in self.departments.clone() {
            for (i, &member) in dept.members.iter().enumerate() {
                if member != dept.lead {
                    self.graph.tie(member, dept.lead, g.weight_lead_report);
                }
                // Each member is tied to the next few peers around the department (a ring
                // lattice), so departments are connected but not complete.
                let n = dept.members.len();
                for step in 1..=PEERS_PER_PERSON.min(n.saturating_sub(1) / 2).max(1) {
                    let peer = dept.members[(i + step) % n];
                    if peer != member {
                        self.graph.tie(member, peer, g.weight_peer);
                    }
                }
            }
        }
        let leads: Vec<usize> = self.departments.iter().map(|d| d.lead).collect();
        for (i, &a) in leads.iter().enumerate() {
            for &b in &leads[i + 1..] {
                self.graph.tie(a, b, g.weight_leads);
            }
        }
        let count = self.people.len();
        for person in 0..count {
            let whole = g.cross_ties_per_person.floor() as u32;
            let extra = u32::from(self.rng.graph.chance(g.cross_ties_per_person.fract()));
            for _ in 0..whole + extra {
                let other = self.rng.graph.index(count);
                if self.people[other].department != self.people[person].department {
                    self.graph.tie(person, other, g.weight_cross);
                }
            }
        }
    }

    /// Customer accounts and vendors with their contacts as graph nodes, each contact tied to
    /// the liaison at `graph.weight_external`. Draws no randomness.
    fn seed_accounts(&mut self) {
        use crate::event::PartyKind;
        let spec = self.spec;
        let parties = spec
            .external
            .customers
            .iter()
            .map(|c| (PartyKind::Customer, &c.id, &c.contacts, &c.liaison))
            .chain(
                spec.external
                    .vendors
                    .iter()
                    .map(|v| (PartyKind::Vendor, &v.id, &v.contacts, &v.liaison)),
            );
        for (party, id, contacts, liaison) in parties {
            let Some(&liaison) = self.person_index.get(liaison) else {
                continue;
            };
            let mut members = Vec::with_capacity(contacts.len());
            for c in contacts {
                let index = match self.contact_index.get(&c.email) {
                    Some(&index) => index,
                    None => {
                        let index = self.contacts.len();
                        self.contacts.push(ExternalContact {
                            email: c.email.clone(),
                        });
                        self.contact_index.insert(c.email.clone(), index);
                        self.graph.add_contact(index);
                        index
                    }
                };
                self.graph
                    .tie_contact(index, liaison, spec.graph.weight_external);
                members.push(index);
            }
            self.accounts.push(Account {
                id: id.clone(),
                party,
                liaison,
                contacts: members,
            });
        }
    }

    /// Id of a graph member: a person's id or a contact's email address.
    pub fn member_id(&self, member: crate::graph::Member) -> String {
        match member {
            crate::graph::Member::Person(p) => self.id(p),
            crate::graph::Member::Contact(c) => self
                .contacts
                .get(c)
                .map(|c| c.email.clone())
                .unwrap_or_default(),
        }
    }

    /// People employed today, in index order.
    pub fn present_people(&self) -> Vec<usize> {
        (0..self.people.len())
            .filter(|&p| self.clocks.present(p))
            .collect()
    }

    /// Present members of a department, in member order.
    pub fn present_members(&self, department: usize) -> Vec<usize> {
        self.departments[department]
            .members
            .iter()
            .copied()
            .filter(|&p| self.clocks.present(p))
            .collect()
    }

    /// Person id.
    pub fn id(&self, person: usize) -> String {
        self.people[person].id.clone()
    }

    /// Ids of several people.
    pub fn ids(&self, people: &[usize]) -> Vec<String> {
        people.iter().map(|&p| self.id(p)).collect()
    }

    /// A timestamp inside `block`: `slot` of 4 distinct sub-slots so one block can carry up to
    /// four stamped items of the same person, each with a seeded second.
    pub fn stamp(&mut self, block: Block, slot: i64) -> Instant {
        let quarter = (block.seconds() / 4).max(1);
        let jitter = i64::from(self.rng.stamps.between(0, 59))
            .min(quarter - 1)
            .max(0);
        block.start + quarter * slot.clamp(0, 3) + jitter
    }

    /// Records a decided event for today.
    pub fn emit(
        &mut self,
        kind: EventKind,
        at: Instant,
        actors: Vec<usize>,
        artifacts: Vec<ArtifactRef>,
        summary: String,
    ) {
        let mut actor_ids: Vec<String> = Vec::with_capacity(actors.len());
        for a in actors {
            let id = self.id(a);
            if !actor_ids.contains(&id) {
                actor_ids.push(id);
            }
        }
        self.drafts.push(Draft {
            kind,
            timestamp: self.calendar.timestamp(at),
            actors: actor_ids,
            artifacts,
            after_hours: false,
            summary,
        });
    }

    /// The Slack day-file artifacts a thread's messages land in.
    pub fn thread_artifacts(&self, thread: &crate::event::Thread) -> Vec<ArtifactRef> {
        let mut refs: Vec<ArtifactRef> = Vec::new();
        for m in &thread.messages {
            let r = ArtifactRef::SlackDay {
                channel: thread.channel.clone(),
                date: m.timestamp.date_naive(),
            };
            if !refs.contains(&r) {
                refs.push(r);
            }
        }
        refs
    }

    /// Allocates the next Confluence page id.
    pub fn next_page(&mut self) -> u32 {
        let id = self.next_page_id;
        self.next_page_id += 1;
        id
    }

    /// A ticket's artifact.
    pub fn jira(&self, ticket: usize) -> ArtifactRef {
        ArtifactRef::Jira {
            key: self.tickets[ticket].key.clone(),
        }
    }

    /// A pull request's artifact.
    pub fn pr_ref(&self, pr: usize) -> ArtifactRef {
        ArtifactRef::PullRequest {
            number: self.pull_requests[pr].number,
        }
    }
}
