//! `stack()` finds the running stack; the rest are small clients of it.

use std::cell::Cell;
use std::ops::Deref;
use std::process::Command;
use std::sync::{OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use serde_json::{json, Value};

pub struct Stack {
    pub url: String,
    pub emulator: String,
    key: String,
    pub signing_secret: String,
    pub secret_key: String,
    pub state: String,
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run these tests with scripts/test, which starts the stack")
    })
}

fn the_stack() -> &'static Stack {
    static STACK: OnceLock<Stack> = OnceLock::new();
    STACK.get_or_init(|| Stack {
        url: var("HOLDFAST_URL"),
        emulator: var("EMULATOR_URL"),
        key: var("EMULATOR_KEY"),
        signing_secret: var("TEST_SIGNING_SECRET"),
        secret_key: var("TEST_SECRET_KEY"),
        state: var("HOLDFAST_STATE"),
    })
}

/// Tests run in parallel, except those that open the D1 file with wrangler
/// (`Stack::sql`): a second SQLite process would make the worker's own
/// writes fail with SQLITE_BUSY, which no deployment ever sees.
static GATE: RwLock<()> = RwLock::new(());

enum Hold {
    /// This thread already holds the gate (a helper called `stack()` again).
    Nested,
    Shared(#[allow(dead_code)] RwLockReadGuard<'static, ()>),
    Alone(#[allow(dead_code)] RwLockWriteGuard<'static, ()>),
}

thread_local! {
    /// How many `Held` this thread has, so taking the gate twice on one
    /// thread never waits behind a queued writer (a deadlock).
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Whether this thread's outermost `Held` is `stack_alone`'s.
    static ALONE: Cell<bool> = const { Cell::new(false) };
}

/// Opening the D1 file from a second process while other tests' requests
/// run makes workerd answer one of them 500 (SQLITE_BUSY: it has no busy
/// timeout, and D1 itself never shares its file). So it is refused here,
/// not left to a comment.
pub fn must_be_alone(what: &str) {
    assert!(
        ALONE.with(Cell::get),
        "{what} opens the D1 file: take the stack with stack_alone(), not stack()"
    );
}

/// The stack, held for the test's duration.
pub struct Held {
    _hold: Hold,
}

impl Held {
    fn take(alone: bool) -> Self {
        let nested = DEPTH.with(|d| d.get() > 0);
        let hold = match (nested, alone) {
            (true, _) => Hold::Nested,
            (false, false) => Hold::Shared(GATE.read().unwrap_or_else(|e| e.into_inner())),
            (false, true) => Hold::Alone(GATE.write().unwrap_or_else(|e| e.into_inner())),
        };
        if matches!(hold, Hold::Alone(_)) {
            ALONE.with(|a| a.set(true));
        }
        DEPTH.with(|d| d.set(d.get() + 1));
        Self { _hold: hold }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if matches!(self._hold, Hold::Alone(_)) {
            ALONE.with(|a| a.set(false));
        }
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

impl Deref for Held {
    type Target = Stack;
    fn deref(&self) -> &Stack {
        the_stack()
    }
}

/// Call at the start of a test; helpers may call it again on the same
/// thread. Threads a test spawns use `within_test`.
pub fn stack() -> Held {
    Held::take(false)
}

/// For tests that read the database with `sql`: nothing else runs meanwhile.
pub fn stack_alone() -> Held {
    Held::take(true)
}

/// For threads a test spawns: the test itself holds the gate.
pub fn within_test() -> &'static Stack {
    the_stack()
}

/// Every request has a deadline, so a hang fails a test instead of CI.
pub fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build()
    })
}

/// An HTTP answer: status and JSON body (Null when the body is not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

fn answer(result: Result<ureq::Response, ureq::Error>) -> Answer {
    try_answer(result).unwrap_or_else(|e| panic!("no answer: {e}"))
}

/// The answer, or why none came.
fn try_answer(result: Result<ureq::Response, ureq::Error>) -> Result<Answer, String> {
    let resp = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(ureq::Error::Transport(t)) => return Err(t.to_string()),
    };
    let status = resp.status();
    let text = resp.into_string().expect("a readable body");
    Ok(Answer {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    })
}

/// A POST from a client address of its own unless `headers` name one, so
/// only the rate-limit tests share an address.
pub fn post_raw(url: &str, content: &str, headers: &[(&str, &str)]) -> Answer {
    try_post_raw(url, content, headers).unwrap_or_else(|e| panic!("no answer: {e}"))
}

/// `post_raw`, or why no answer came.
pub fn try_post_raw(url: &str, content: &str, headers: &[(&str, &str)]) -> Result<Answer, String> {
    let mut req = agent()
        .post(url)
        .set("content-type", "application/json")
        .set("cf-connecting-ip", &customer_address());
    for (k, v) in headers {
        req = req.set(k, v);
    }
    try_answer(req.send_string(content))
}

pub fn get(url: &str) -> Answer {
    answer(agent().get(url).call())
}

pub struct Subscription {
    pub id: String,
    pub customer: String,
}

impl Stack {
    /// A Stripe call to the emulator, as the merchant's own code would make.
    pub fn stripe(&self, method: &str, path: &str, form: &[(&str, &str)]) -> Value {
        let url = format!("{}{path}", self.emulator);
        let auth = format!("Bearer {}", self.key);
        let res = if method == "GET" {
            agent().get(&url).set("authorization", &auth).call()
        } else {
            agent()
                .request(method, &url)
                .set("authorization", &auth)
                .send_form(form)
        };
        let a = answer(res);
        assert!(a.status < 300, "{method} {path} -> {} {}", a.status, a.body);
        a.body
    }

    pub fn stripe_answer(&self, method: &str, path: &str, form: &[(&str, &str)]) -> Answer {
        let url = format!("{}{path}", self.emulator);
        answer(
            agent()
                .request(method, &url)
                .set("authorization", &format!("Bearer {}", self.key))
                .send_form(form),
        )
    }

    /// A GET with its parameters in the query, as Stripe's libraries send.
    pub fn stripe_get(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        let mut req = agent()
            .get(&format!("{}{path}", self.emulator))
            .set("authorization", &format!("Bearer {}", self.key));
        for (k, v) in query {
            req = req.query(k, v);
        }
        answer(req.call())
    }

    fn ensure_plan(&self) {
        static DONE: OnceLock<()> = OnceLock::new();
        DONE.get_or_init(|| {
            let exists = answer(
                agent()
                    .get(&format!("{}/v1/plans/e2e_monthly", self.emulator))
                    .set("authorization", &format!("Bearer {}", self.key))
                    .call(),
            );
            if exists.status == 404 {
                self.stripe(
                    "POST",
                    "/v1/products",
                    &[("id", "prod_e2e"), ("name", "E2E Snack Box")],
                );
                self.stripe(
                    "POST",
                    "/v1/plans",
                    &[
                        ("id", "e2e_monthly"),
                        ("amount", "2400"),
                        ("currency", "usd"),
                        ("interval", "month"),
                        ("product", "prod_e2e"),
                    ],
                );
            }
        });
    }

    pub fn customer(&self) -> String {
        self.customer_named("e2e@example.com", "Ada Lovelace")
    }

    /// A customer with a card, this e-mail and name.
    pub fn customer_named(&self, email: &str, name: &str) -> String {
        let cus = self.stripe("POST", "/v1/customers", &[("email", email), ("name", name)]);
        let id = cus["id"].as_str().expect("customer id").to_owned();
        let tok = self.stripe(
            "POST",
            "/v1/tokens",
            &[
                ("card[number]", "4242424242424242"),
                ("card[exp_month]", "12"),
                ("card[exp_year]", "2034"),
                ("card[cvc]", "123"),
            ],
        );
        self.stripe(
            "POST",
            &format!("/v1/customers/{id}/sources"),
            &[("source", tok["id"].as_str().expect("token id"))],
        );
        id
    }

    /// A fresh active subscription of its own customer, so tests never share.
    pub fn subscription(&self) -> Subscription {
        self.ensure_plan();
        let customer = self.customer();
        self.subscription_for(&customer)
    }

    /// A fresh subscription on one of the seeded prices (`snack_yearly`...).
    pub fn subscription_on(&self, plan: &str) -> Subscription {
        let customer = self.customer();
        let sub = self.stripe(
            "POST",
            "/v1/subscriptions",
            &[("customer", &customer), ("items[0][plan]", plan)],
        );
        Subscription {
            id: sub["id"].as_str().expect("subscription id").to_owned(),
            customer,
        }
    }

    pub fn subscription_for(&self, customer: &str) -> Subscription {
        self.ensure_plan();
        let sub = self.stripe(
            "POST",
            "/v1/subscriptions",
            &[("customer", customer), ("items[0][plan]", "e2e_monthly")],
        );
        assert_eq!(sub["status"], "active");
        Subscription {
            id: sub["id"].as_str().expect("subscription id").to_owned(),
            customer: customer.to_owned(),
        }
    }

    pub fn read_subscription(&self, id: &str) -> Value {
        self.stripe("GET", &format!("/v1/subscriptions/{id}"), &[])
    }

    /// Every request the emulator received whose path contains `needle`.
    pub fn stripe_requests(&self, needle: &str) -> Vec<Value> {
        let a = get(&format!(
            "{}/_config/requests?path_contains={needle}",
            self.emulator
        ));
        a.body.as_array().cloned().unwrap_or_default()
    }

    /// Requests that changed something (not reads).
    pub fn stripe_writes(&self, needle: &str) -> Vec<Value> {
        self.stripe_requests(needle)
            .into_iter()
            .filter(|r| r["method"] != "GET")
            .collect()
    }

    pub fn fault(&self, fault: Value) {
        let resp = agent()
            .post(&format!("{}/_config/faults", self.emulator))
            .send_json(fault);
        assert!(resp.is_ok(), "fault not accepted");
    }

    pub fn signed(&self, app: &str, subscription_id: &str) -> Value {
        json!({
            "app_id": app,
            "subscription_id": subscription_id,
            "auth_hash": holdfast_core::signing::auth_hash(&self.signing_secret, subscription_id),
            "first_name": "Ada",
            "save_return_url": "https://merchant.example/account?saved=1",
            "cancel_confirmation_url": "https://merchant.example/goodbye",
        })
    }

    /// A precancel from a customer's browser (an address of its own).
    pub fn precancel(&self, body: &Value) -> Answer {
        post_raw(&format!("{}/precancel", self.url), &body.to_string(), &[])
    }

    /// A precancel as if from `client`, the address Cloudflare puts in
    /// `CF-Connecting-IP`.
    pub fn precancel_from(&self, client: &str, body: &Value) -> Answer {
        post_raw(
            &format!("{}/precancel", self.url),
            &body.to_string(),
            &[("cf-connecting-ip", client)],
        )
    }

    /// Starts a session and returns its token.
    pub fn session(&self, app: &str, subscription_id: &str) -> String {
        let a = self.precancel(&self.signed(app, subscription_id));
        assert_eq!(a.status, 200, "{}", a.body);
        token_of(&a)
    }

    pub fn api(&self, token: &str, action: &str, body: &Value) -> Answer {
        post_raw(
            &format!("{}/api/sessions/{token}/{action}", self.url),
            &body.to_string(),
            &[],
        )
    }

    /// Restarts wrangler dev on the same port and D1 state, with the
    /// environment in `dev.env` as it is now. Hold the stack alone.
    pub fn restart_edge(&self) {
        let restart = var("HOLDFAST_RESTART_EDGE");
        let out = Command::new(restart).output().expect("restart runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A session API call, with the answer's `Retry-After` in seconds.
    pub fn api_with_headers(
        &self,
        token: &str,
        action: &str,
        body: &Value,
    ) -> (Answer, Option<i64>) {
        let resp = match agent()
            .post(&format!("{}/api/sessions/{token}/{action}", self.url))
            .set("content-type", "application/json")
            .set("cf-connecting-ip", &customer_address())
            .send_string(&body.to_string())
        {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("no answer: {e}"),
        };
        let retry_after = resp.header("retry-after").and_then(|v| v.parse().ok());
        (answer(Ok(resp)), retry_after)
    }

    pub fn view(&self, token: &str) -> Answer {
        get(&format!("{}/api/sessions/{token}", self.url))
    }

    /// Time passes until the subscription's pending operation is due, and
    /// the cron runs (for tests that hold the stack alone).
    pub fn retry_due_now(&self, subscription_id: &str) {
        let session =
            format!("(SELECT id FROM sessions WHERE subscription_id = '{subscription_id}')");
        let row = || {
            self.sql(&format!(
                "SELECT attempts, status, lease_until FROM operations WHERE session_id = {session}"
            ))[0]
                .clone()
        };
        let before = row()["attempts"].as_i64().unwrap_or(0);
        self.sql(&format!(
            "UPDATE operations SET next_attempt_at = 0 WHERE session_id = {session}"
        ));
        self.run_cron();
        // The cron's sweep enqueues it; the queue's consumer makes the
        // attempt and books it a moment later.
        let start = std::time::Instant::now();
        loop {
            let r = row();
            let booked = r["attempts"].as_i64().unwrap_or(0) > before && r["lease_until"] == 0;
            if booked || r["status"] != "pending" || start.elapsed().as_secs() > 20 {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }

    /// Runs the Cron Trigger now (wrangler dev --test-scheduled).
    pub fn run_cron(&self) {
        let a = get(&format!("{}/__scheduled?cron=*+*+*+*+*", self.url));
        assert_eq!(a.status, 200, "cron did not run");
    }

    /// Runs the cron as if it were `secs` (unix time): the controllable
    /// clock of the watch list. Hold the stack alone: other tests' saves
    /// come due too.
    pub fn run_cron_at(&self, secs: i64) {
        // wrangler's `/__scheduled` cannot set the time: the test stack
        // enables the edge's own clock route (HOLDFAST_TEST_HOOKS=1).
        let a = post_raw(&format!("{}/api/dev/cron?at={secs}", self.url), "", &[]);
        assert_eq!(a.status, 200, "cron did not run: {}", a.body);
    }

    /// Stripe's state after a renewal whose payment failed (`past_due`).
    pub fn fail_renewal(&self, subscription_id: &str) {
        let url = format!(
            "{}/_config/subscriptions/{subscription_id}/renewal_failed",
            self.emulator
        );
        assert!(agent().post(&url).call().is_ok(), "renewal not failed");
    }

    /// Reads the local D1 database directly, as an operator would. Only from
    /// tests that hold the stack alone (`stack_alone`), checked.
    pub fn sql(&self, query: &str) -> Vec<Value> {
        must_be_alone("Stack::sql");
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let args = [
            "d1",
            "execute",
            "DB",
            "--local",
            "--persist-to",
            &self.state,
            "--json",
            "--command",
            query,
        ];
        let run = || {
            Command::new("wrangler")
                .current_dir(root)
                .args(args)
                .output()
                .expect("wrangler runs")
        };
        let mut out = run();
        // The worker may hold the write lock for a moment.
        for _ in 0..5 {
            if out.status.success() || !String::from_utf8_lossy(&out.stderr).contains("SQLITE_BUSY")
            {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(300));
            out = run();
        }
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("wrangler --json output");
        v[0]["results"].as_array().cloned().unwrap_or_default()
    }

    /// Where each of `needles` still appears in the local D1 file: every
    /// text of every row of every table, as `table.column: needle`.
    pub fn d1_mentions(&self, needles: &[&str]) -> Vec<String> {
        must_be_alone("Stack::d1_mentions");
        const FIND: &str = r#"
import glob, json, os, sqlite3, sys
state, needles = sys.argv[1], json.loads(sys.argv[2])
for f in glob.glob(os.path.join(state, '**', '*.sqlite'), recursive=True):
    con = sqlite3.connect('file:' + f + '?mode=ro', uri=True)
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'sessions'").fetchone():
        continue
    hits = []
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for col in [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]:
            for n in needles:
                q = f'SELECT COUNT(*) FROM "{table}" WHERE instr(lower(CAST("{col}" AS TEXT)), lower(?)) > 0'
                if con.execute(q, [n]).fetchone()[0]:
                    hits.append(f'{table}.{col}: {n}')
    print(json.dumps(hits))
    break
"#;
        let out = python(
            FIND,
            &[&self.state, &serde_json::json!(needles).to_string()],
        );
        serde_json::from_str(out.trim()).expect("the mentions as JSON")
    }
}

/// A signed-in admin: the session cookie and the CSRF token.
pub struct AdminClient {
    pub cookie: String,
    pub csrf: String,
    pub email: String,
}

fn session_cookie(resp: &ureq::Response) -> String {
    let set = resp.header("set-cookie").expect("a session cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("Secure") && set.contains("SameSite=Strict"),
        "{set}"
    );
    set.split(';').next().expect("name=value").to_owned()
}

/// The test run's admin, created once with the setup token (or signed in if
/// another test binary made it first).
pub fn admin() -> &'static AdminClient {
    static ADMIN: OnceLock<AdminClient> = OnceLock::new();
    ADMIN.get_or_init(|| {
        let s = the_stack();
        let (email, password) = (var("ADMIN_EMAIL"), var("ADMIN_PASSWORD"));
        let setup = agent().post(&format!("{}/api/admin/setup", s.url))
            .send_json(serde_json::json!({"token": var("ADMIN_SETUP_TOKEN"), "email": email, "password": password}));
        let resp = match setup {
            Ok(r) => r,
            Err(_) => agent().post(&format!("{}/api/admin/login", s.url))
                .send_json(serde_json::json!({"email": email, "password": password}))
                .expect("the admin signs in"),
        };
        let cookie = session_cookie(&resp);
        let me: Value = resp.into_json().expect("me");
        AdminClient { cookie, csrf: me["csrf_token"].as_str().expect("csrf").to_owned(), email }
    })
}

/// Signs in as any admin; the answer when it does not work.
pub fn sign_in(email: &str, password: &str, totp: Option<&str>) -> Result<AdminClient, Answer> {
    let resp = agent()
        .post(&format!("{}/api/admin/login", the_stack().url))
        .set("cf-connecting-ip", &customer_address())
        .send_json(serde_json::json!({"email": email, "password": password, "totp": totp}));
    match resp {
        Ok(r) => {
            let cookie = session_cookie(&r);
            let me: Value = r.into_json().expect("me");
            Ok(AdminClient {
                cookie,
                csrf: me["csrf_token"].as_str().expect("csrf").to_owned(),
                email: email.to_owned(),
            })
        }
        Err(e) => Err(answer(Err(e))),
    }
}

/// A new admin with `role`, invited by the test run's owner and signed in
/// through the invitation; with the password it chose.
pub fn invited(role: &str) -> (AdminClient, String) {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let email = format!("{role}{n}-{}@team.test", std::process::id());
    let invite = admin().send(
        "POST",
        "/api/admin/invites",
        &serde_json::json!({"email": email, "role": role}),
    );
    assert_eq!(invite.status, 201, "{}", invite.body);
    let link = invite.body["link"].as_str().expect("link");
    let token = link.rsplit_once('#').expect("a token in the fragment").1;
    let password = format!("pw {role} {n} long enough");
    let resp = agent()
        .post(&format!("{}/api/admin/invites/accept", the_stack().url))
        .send_json(serde_json::json!({"token": token, "password": password}))
        .expect("the invitation is accepted");
    let cookie = session_cookie(&resp);
    let me: Value = resp.into_json().expect("me");
    assert_eq!(me["role"], role);
    let client = AdminClient {
        cookie,
        csrf: me["csrf_token"].as_str().expect("csrf").to_owned(),
        email,
    };
    (client, password)
}

impl AdminClient {
    pub fn get(&self, path: &str) -> Answer {
        answer(
            agent()
                .get(&format!("{}{path}", the_stack().url))
                .set("cookie", &self.cookie)
                .call(),
        )
    }

    pub fn send(&self, method: &str, path: &str, body: &Value) -> Answer {
        answer(
            agent()
                .request(method, &format!("{}{path}", the_stack().url))
                .set("cookie", &self.cookie)
                .set("x-csrf-token", &self.csrf)
                // A client of its own, as a person's browser has: the
                // per-client limits of one test do not reach another's.
                .set("cf-connecting-ip", &customer_address())
                .send_json(body.clone()),
        )
    }
}

/// An app made through the admin API.
pub struct TestApp {
    pub id: String,
    pub signing_secret: String,
}

impl AdminClient {
    /// Creates an app with the default settings.
    pub fn new_app(&self, name: &str) -> TestApp {
        let created = self.send(
            "POST",
            "/api/admin/apps",
            &serde_json::json!({"name": name}),
        );
        assert_eq!(created.status, 201, "{}", created.body);
        TestApp {
            id: created.body["app"]["id"]
                .as_str()
                .expect("app id")
                .to_owned(),
            signing_secret: created.body["signing_secret"]
                .as_str()
                .expect("signing secret")
                .to_owned(),
        }
    }

    /// Creates an app and saves `settings` for it.
    pub fn app_with(&self, name: &str, settings: &Value) -> TestApp {
        let app = self.new_app(name);
        let saved = self.send(
            "PUT",
            &format!("/api/admin/apps/{}/settings", app.id),
            settings,
        );
        assert_eq!(saved.status, 200, "{}", saved.body);
        app
    }
}

/// `auth_timestamp` and the `auth_hash` over `"{t}.{subject}"` at this
/// moment, as a merchant's server signs for an app that requires them
/// (every app made through the admin API, by default).
pub fn timed_signature(secret: &str, subject: &str) -> (i64, String) {
    let t = now();
    let message = holdfast_core::signing::signed_message(subject, Some(t));
    (t, holdfast_core::signing::auth_hash(secret, &message))
}

/// The session token at the end of a precancel answer's URL.
pub fn token_of(precancel: &Answer) -> String {
    let url = precancel.body["url"]
        .as_str()
        .unwrap_or_else(|| panic!("no url in {}", precancel.body));
    url.rsplit('/').next().expect("a token").to_owned()
}

impl Stack {
    /// Starts a session for `app`, signed with its secret; `extra` fields
    /// (an object) join the payload.
    pub fn session_with(&self, app: &TestApp, subscription_id: &str, extra: Value) -> String {
        let (t, hash) = timed_signature(&app.signing_secret, subscription_id);
        let mut body = serde_json::json!({
            "app_id": app.id,
            "subscription_id": subscription_id,
            "auth_timestamp": t,
            "auth_hash": hash,
        });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let answer = self.precancel(&body);
        assert_eq!(answer.status, 200, "{}", answer.body);
        token_of(&answer)
    }
}

/// Runs a Python snippet in the project's venv (independent
/// implementations: the stripe package, hmac) and returns what it printed.
pub fn python(script: &str, args: &[&str]) -> String {
    python_with_input(script, args, "")
}

/// `python` with `input` on its standard input.
pub fn python_with_input(script: &str, args: &[&str], input: &str) -> String {
    use std::io::Write;
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut child = std::process::Command::new(format!("{root}/.venv/bin/python"))
        .arg("-c")
        .arg(script)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python ends");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Checks a pass-through URL's `hf_sig` the way a merchant would, with
/// Python's hmac module (an implementation independent of ours).
pub fn pass_through_verifies(url: &str, secret: &str) -> bool {
    let script = "import hmac, hashlib, sys, time, urllib.parse as u\n\
head, sig = sys.argv[1].rsplit('&hf_sig=', 1)\n\
ts = int(u.parse_qs(u.urlsplit(head).query)['hf_ts'][0])\n\
key = hmac.new(sys.argv[2].encode(), b'holdfast pass-through url v1', hashlib.sha256).hexdigest()\n\
good = hmac.compare_digest(hmac.new(key.encode(), head.encode(), hashlib.sha256).hexdigest(), sig)\n\
print(good and abs(time.time() - ts) < 300)";
    python(script, &[url, secret]) == "True"
}

/// The `key` string of each object in a JSON array (empty when `list` is
/// not an array).
pub fn strings<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v[key].as_str())
        .collect()
}

impl Stack {
    /// The customer finds it too expensive, is shown the `save25` offer
    /// (25% off for 3 months, in the test apps' settings) and accepts it.
    pub fn accept_save25(&self, token: &str) -> Answer {
        let reason = self.api(
            token,
            "reason",
            &serde_json::json!({"reason_id": "too_expensive"}),
        );
        assert_eq!(reason.status, 200, "{}", reason.body);
        let shown = self.api(token, "offers/save25/show", &serde_json::json!({}));
        assert_eq!(shown.status, 200, "{}", shown.body);
        self.api(token, "offers/save25/accept", &serde_json::json!({}))
    }
}

/// A client address no other call of this run has used (from 10.0.0.0/8).
pub fn customer_address() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

/// The wall clock in unix seconds, as the edge reads it.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}
