export const id = 672;
export const ids = [672];
export const modules = {

/***/ 8672:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  dispatchJobs: () => (/* binding */ dispatchJobs)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 17 modules
var core = __webpack_require__(418);
// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/proxy.js
var lib_proxy = __webpack_require__(9783);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-codepipeline/dist-cjs/index.js
var dist_cjs = __webpack_require__(8232);
;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = /*#__PURE__*/JSON.parse('{"UU":"codepipeline-job-worker","rE":"1.0.0"}');
;// CONCATENATED MODULE: ./src/version.ts

/** The user-agent pair that names this action and its version in CodePipeline's logs. */
const USER_AGENT = [package_namespaceObject.UU, package_namespaceObject.rE];

;// CONCATENATED MODULE: ./src/client.ts




/** Per attempt: long enough for a slow answer, short enough that a hung socket is retried. */
const REQUEST_TIMEOUT_MS = 60_000;
const CONNECTION_TIMEOUT_MS = 10_000;
/**
 * The CodePipeline client: credentials from the SDK's default chain (so
 * configure-aws-credentials works unchanged), the SDK's standard retry mode
 * with its jittered backoff, a per-attempt timeout, our user agent and the
 * runner's proxy settings.
 */
async function createCodePipelineClient(connection, env = process.env) {
    const agents = await proxyAgents(serviceUrl(connection, env));
    return new dist_cjs/* CodePipelineClient */.pEs({
        region: connection.region,
        endpoint: connection.endpointUrl,
        maxAttempts: connection.maxAttempts,
        retryMode: 'standard',
        customUserAgent: [USER_AGENT],
        requestHandler: {
            requestTimeout: REQUEST_TIMEOUT_MS,
            throwOnRequestTimeout: true,
            connectionTimeout: CONNECTION_TIMEOUT_MS,
            ...agents
        }
    });
}
/** The URL the client will call, needed up front to decide on a proxy. */
function serviceUrl(connection, env = process.env) {
    const configured = connection.endpointUrl ?? env.AWS_ENDPOINT_URL_CODEPIPELINE ?? env.AWS_ENDPOINT_URL;
    if (configured)
        return new URL(configured);
    const suffix = connection.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    return new URL(`https://codepipeline.${connection.region}.${suffix}`);
}
/**
 * The SDK ignores HTTPS_PROXY and friends; @actions/http-client reads them the
 * way the runner does (NO_PROXY included), and the proxy-agent packages do
 * the tunnelling. Loaded only when a proxy applies.
 */
async function proxyAgents(target) {
    const proxy = (0,lib_proxy/* getProxyUrl */.s)(target);
    if (!proxy)
        return {};
    // Host and port only: a proxy URL may carry a user name and password.
    core.info(`Using proxy ${proxy.protocol}//${proxy.host} for ${target.host}`);
    if (target.protocol === 'https:') {
        const { HttpsProxyAgent } = await Promise.all(/* import() */[__webpack_require__.e(411), __webpack_require__.e(566)]).then(__webpack_require__.bind(__webpack_require__, 1566));
        return { httpsAgent: new HttpsProxyAgent(proxy.href) };
    }
    const { HttpProxyAgent } = await Promise.all(/* import() */[__webpack_require__.e(411), __webpack_require__.e(947)]).then(__webpack_require__.bind(__webpack_require__, 8947));
    return { httpAgent: new HttpProxyAgent(proxy.href) };
}

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/constraints.ts
/**
 * The CodePipeline API's constraints on the members this action sends, as the
 * official model (codepipeline-2015-07-09) declares them. A conformance test
 * compares every entry here with the model, so these numbers cannot drift.
 */
/** Shape JobId. */
const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Shape OutputVariablesKey. */
const OUTPUT_VARIABLE_KEY_PATTERN = /^[A-Za-z0-9@\-_]+$/;
/** CodePipeline's quota on one action's output variables: keys plus values, UTF-8 bytes. */
const OUTPUT_VARIABLES_MAX_BYTES = 122_880;
/** String lengths, counted in Unicode code points, keyed by the model's shape name. */
const LENGTHS = {
    Revision: { min: 1, max: 1500 },
    RevisionChangeIdentifier: { min: 1, max: 100 },
    RevisionSummary: { min: 1, max: 2048 },
    ContinuationToken: { min: 1, max: 2048 },
    ExecutionSummary: { min: 1, max: 2048 },
    ExecutionId: { min: 1, max: 1500 },
    Message: { min: 1, max: 5000 }
};
/** Shape Percentage. */
const PERCENTAGE_RANGE = { min: 0, max: 100 };
/** Shape FailureType. */
const FAILURE_TYPES = (/* unused pure expression or super */ null && ([
    'JobFailed',
    'ConfigurationError',
    'PermissionError',
    'RevisionOutOfSync',
    'RevisionUnavailable',
    'SystemUnavailable'
]));

// EXTERNAL MODULE: ./src/attempt-log.ts
var attempt_log = __webpack_require__(3437);
;// CONCATENATED MODULE: ./src/report.ts



function intendedResult(request) {
    if (request.operation === 'PutJobFailureResult')
        return 'failed';
    return request.input.continuationToken ? 'in-progress' : 'succeeded';
}
/**
 * Sends the report once, with the SDK's retries, and decides what an
 * InvalidJobStateException means: after an attempt that may have landed it is
 * our own result already recorded; otherwise the job was closed by someone else.
 */
async function sendReport(client, request, region) {
    const log = new attempt_log/* AttemptLog */.s();
    const result = intendedResult(request);
    try {
        if (request.operation === 'PutJobSuccessResult') {
            const command = new dist_cjs/* PutJobSuccessResultCommand */._Vy(request.input);
            log.attachTo(command.middlewareStack);
            await client.send(command);
        }
        else {
            const command = new dist_cjs/* PutJobFailureResultCommand */.nFt(request.input);
            log.attachTo(command.middlewareStack);
            await client.send(command);
        }
        return { result, attempts: log.attempts.length };
    }
    catch (error) {
        const jobId = request.input.jobId ?? '';
        if (errorName(error) === 'InvalidJobStateException' && log.earlierAttemptMayHaveLanded()) {
            return {
                result,
                attempts: log.attempts.length,
                warning: `An earlier attempt of ${request.operation} got no answer (${log.attempts.join(', ')}), and the retry found job ${jobId} ` +
                    `no longer in progress: the earlier attempt recorded the result. It was not reported twice.`
            };
        }
        throw new Error(explain(error, request, region, log), { cause: error });
    }
}
function errorName(error) {
    return error instanceof Error ? error.name : undefined;
}
function explain(error, request, region, log) {
    const jobId = request.input.jobId ?? '';
    const attempts = log.attempts.length;
    const tried = attempts > 1 ? ` after ${attempts} attempts` : '';
    const detail = (0,errors/* namedErrorMessage */.nm)(error);
    switch (errorName(error)) {
        case 'InvalidJobStateException':
            return (`CodePipeline refused the result: job ${jobId} is not in progress (${detail}). ` +
                'It was already completed, it timed out, or this is a re-run of a workflow that already reported it.');
        case 'JobNotFoundException':
            return (`CodePipeline has no job ${jobId} in region ${region} (${detail}). ` +
                'Check that "aws-region" and the AWS account of your credentials are the pipeline\'s.');
        case 'CredentialsProviderError':
            return `No AWS credentials found (${detail}). Run aws-actions/configure-aws-credentials before this step.`;
    }
    if (log.attempts.includes('uncertain')) {
        return (`${request.operation} failed${tried}: ${detail}. An attempt may have reached CodePipeline, so the result may or may ` +
            `not be recorded: check job ${jobId} in the pipeline before re-running.`);
    }
    return `${request.operation} failed${tried}: ${detail}`;
}

;// CONCATENATED MODULE: ./src/request.ts
function buildSuccessRequest(settings, commit = {}) {
    const { revision } = settings;
    const hasVariables = Object.keys(settings.outputVariables).length > 0;
    const input = {
        jobId: settings.jobId,
        currentRevision: revision && {
            revision: revision.revision,
            changeIdentifier: revision.changeIdentifier,
            // Inputs win over what the commit says.
            created: revision.created ?? commit.created,
            revisionSummary: revision.summary ?? commit.summary
        },
        continuationToken: settings.continuationToken,
        executionDetails: {
            summary: settings.summary,
            externalExecutionId: settings.externalExecutionId,
            percentComplete: settings.percentComplete
        },
        outputVariables: hasVariables ? { ...settings.outputVariables } : undefined
    };
    return { operation: 'PutJobSuccessResult', input: withoutUndefined(input) };
}
function buildFailureRequest(settings) {
    const input = {
        jobId: settings.jobId,
        failureDetails: {
            type: settings.failureType,
            message: settings.failureMessage,
            externalExecutionId: settings.externalExecutionId
        }
    };
    return { operation: 'PutJobFailureResult', input: withoutUndefined(input) };
}
/** Drops undefined members (deeply), so the debug log shows exactly what goes on the wire. */
function withoutUndefined(value) {
    const out = {};
    for (const [key, item] of Object.entries(value)) {
        if (item === undefined)
            continue;
        out[key] = isPlainObject(item) ? withoutUndefined(item) : item;
    }
    return out;
}
function isPlainObject(value) {
    return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

// EXTERNAL MODULE: ./src/text.ts
var src_text = __webpack_require__(8992);
;// CONCATENATED MODULE: ./src/dispatch/failure.ts




/**
 * Closes a job the dispatcher could not start a workflow for, so the pipeline
 * shows what to fix instead of waiting for the job's timeout. Goes through the
 * reporting action's request building and retry rules. Returns a warning when
 * a retry found the job already closed by an earlier attempt of ours.
 */
async function reportDispatchFailure(client, jobId, failure, connection) {
    const request = buildFailureRequest({
        jobId,
        connection,
        status: 'failure',
        failureType: failure.failureType,
        failureMessage: (0,src_text/* truncateCodePoints */.Bm)(failure.message, LENGTHS.Message.max)
    });
    const outcome = await sendReport(client, request, connection.region);
    return outcome.warning;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/workflow-context.ts

const nonEmpty = (value) => (value ? value : undefined);
function readWorkflowContext(env = process.env) {
    return {
        sha: nonEmpty(env.GITHUB_SHA),
        repository: nonEmpty(env.GITHUB_REPOSITORY),
        workflow: nonEmpty(env.GITHUB_WORKFLOW),
        runId: nonEmpty(env.GITHUB_RUN_ID),
        runNumber: nonEmpty(env.GITHUB_RUN_NUMBER),
        runAttempt: nonEmpty(env.GITHUB_RUN_ATTEMPT),
        serverUrl: nonEmpty(env.GITHUB_SERVER_URL) ?? 'https://github.com',
        apiUrl: nonEmpty(env.GITHUB_API_URL) ?? 'https://api.github.com',
        eventName: nonEmpty(env.GITHUB_EVENT_NAME),
        headCommit: readHeadCommit(env.GITHUB_EVENT_PATH)
    };
}
function readHeadCommit(eventPath) {
    if (!eventPath)
        return undefined;
    let payload;
    try {
        payload = JSON.parse(readFileSync(eventPath, 'utf8'));
    }
    catch {
        // A missing or unreadable event file only costs the commit details.
        return undefined;
    }
    const head = isRecord(payload) ? payload.head_commit : undefined;
    if (!isRecord(head) || typeof head.id !== 'string')
        return undefined;
    return {
        id: head.id,
        timestamp: typeof head.timestamp === 'string' ? head.timestamp : undefined,
        message: typeof head.message === 'string' ? head.message : undefined
    };
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** Link to the run, or undefined outside a runner. */
function runUrl(ctx) {
    if (!ctx.repository || !ctx.runId)
        return undefined;
    return `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}`;
}
/** "workflow "Build" run #12", as far as the context tells. */
function describeRun(ctx) {
    const name = ctx.workflow ? `GitHub workflow "${ctx.workflow}"` : 'GitHub workflow';
    return ctx.runNumber ? `${name} run #${ctx.runNumber}` : name;
}

;// CONCATENATED MODULE: ./src/dispatch/github-errors.ts


function httpFailureOf(error) {
    if (!isRecord(error))
        return { headers: {}, message: (0,errors/* errorMessage */.gJ)(error) };
    const response = isRecord(error.response) ? error.response : undefined;
    const headers = {};
    if (response && isRecord(response.headers)) {
        for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === 'string' || typeof value === 'number')
                headers[name.toLowerCase()] = String(value);
        }
    }
    const data = response?.data;
    const message = isRecord(data) && typeof data.message === 'string' ? data.message : (0,errors/* errorMessage */.gJ)(error);
    // Octokit gives a network failure status 500 but no response; keep "no answer" apart from a real 500.
    const status = response && typeof error.status === 'number' ? error.status : undefined;
    return { status, headers, message };
}
const DEFAULT_RETRY_POLICY = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 60_000 };
// GitHub's advice for a secondary rate limit that names no wait.
const SECONDARY_LIMIT_WAIT_MS = 60_000;
/** A primary or secondary rate limit, as GitHub signals them. */
function isRateLimited(failure) {
    if (failure.status !== 403 && failure.status !== 429)
        return false;
    return (failure.status === 429 ||
        failure.headers['retry-after'] !== undefined ||
        failure.headers['x-ratelimit-remaining'] === '0' ||
        /rate limit/i.test(failure.message));
}
/** How long GitHub asks us to wait, in ms. */
function rateLimitWaitMs(failure, now = Date.now()) {
    const retryAfter = Number(failure.headers['retry-after']);
    if (failure.headers['retry-after'] !== undefined && Number.isFinite(retryAfter))
        return Math.max(0, retryAfter * 1000);
    const reset = Number(failure.headers['x-ratelimit-reset']);
    if (failure.headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset))
        return Math.max(0, reset * 1000 - now);
    return SECONDARY_LIMIT_WAIT_MS;
}
/**
 * The wait before the next attempt, or undefined when the failure is final:
 * 5xx and network errors back off exponentially; rate limits wait as GitHub
 * asks, unless that is longer than the policy allows.
 */
function retryDelayMs(failure, failedAttempt, policy, random = Math.random, now = Date.now()) {
    if (failedAttempt >= policy.attempts)
        return undefined;
    if (isRateLimited(failure)) {
        const wait = rateLimitWaitMs(failure, now);
        return wait <= policy.maxDelayMs ? wait : undefined;
    }
    if (failure.status === undefined || failure.status >= 500) {
        const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
        // Jitter keeps several dispatchers from retrying in step.
        return Math.round(backoff * (0.5 + random() / 2));
    }
    return undefined;
}
/** Turns a failed dispatch into the failure CodePipeline records for the job. */
function explainDispatchFailure(failure, target, attempts) {
    const { repository, workflow, ref } = target;
    const github = failure.status === undefined ? failure.message : `GitHub answered ${failure.status}: ${failure.message}`;
    const tail = ` (${github})`;
    if (isRateLimited(failure)) {
        const wait = Math.ceil(rateLimitWaitMs(failure) / 1000);
        return {
            failureType: 'SystemUnavailable',
            message: `GitHub's API rate limit stopped the dispatch of workflow ${workflow} in ${repository}; it lifts in about ${wait} s. Retry the stage then${tail}.`
        };
    }
    if (failure.status === undefined || failure.status >= 500) {
        return {
            failureType: 'SystemUnavailable',
            message: `GitHub did not accept the dispatch of workflow ${workflow} in ${repository} after ${attempts} attempt(s)${tail}. ` +
                'An attempt may still have started the workflow: check its runs before retrying the stage.'
        };
    }
    switch (failure.status) {
        case 401:
            return {
                failureType: 'PermissionError',
                message: `GitHub rejected the dispatcher's token as invalid or expired${tail}. Check the dispatcher's "github-token".`
            };
        case 403:
            return {
                failureType: 'PermissionError',
                message: `The dispatcher's token may not start workflows in ${repository}${tail}. It needs the "actions: write" permission: ` +
                    'set `permissions: actions: write` on the dispatcher job, or, for another repository, use a GitHub App or fine-grained token with Actions read and write on it.'
            };
        case 404:
            return {
                failureType: 'ConfigurationError',
                message: `GitHub found no workflow "${workflow}" in ${repository}${tail}. Check the action configuration properties "Workflow" ` +
                    '(a file name under .github/workflows, such as deploy.yml) and "Repository"; for another repository, the token needs access to it.'
            };
        case 422:
            return { failureType: 'ConfigurationError', message: explainUnprocessable(failure.message, target) + tail };
    }
    return {
        failureType: 'ConfigurationError',
        message: `GitHub refused to dispatch workflow ${workflow} in ${repository} at ${ref}${tail}.`
    };
}
function explainUnprocessable(message, { repository, workflow, ref }) {
    if (/workflow_dispatch/i.test(message)) {
        return `Workflow ${workflow} in ${repository} has no workflow_dispatch trigger at ref ${ref}. Add "on: workflow_dispatch" with the job inputs to the workflow file on that ref`;
    }
    if (/unexpected inputs/i.test(message)) {
        return (`Workflow ${workflow} in ${repository} does not declare every input the dispatcher sends. Declare job-id, pipeline-name, ` +
            'pipeline-execution-id, stage, action and continuation-token under on.workflow_dispatch.inputs');
    }
    if (/\bref\b/i.test(message)) {
        return `Ref ${ref} does not exist in ${repository}. Set the action configuration property "Ref" (or the dispatcher's "ref" input) to an existing branch or tag`;
    }
    return `GitHub refused to dispatch workflow ${workflow} in ${repository} at ref ${ref}`;
}

;// CONCATENATED MODULE: ./src/dispatch/log.ts
const consoleLog = {
    info: message => console.log(message),
    warning: message => console.warn(`Warning: ${message}`),
    debug: () => undefined
};

;// CONCATENATED MODULE: ./src/dispatch/github.ts



class DispatchError extends Error {
    failure;
    attempts;
    constructor(failure, attempts) {
        super(failure.status === undefined ? failure.message : `${failure.status} ${failure.message}`);
        this.failure = failure;
        this.attempts = attempts;
        this.name = 'DispatchError';
    }
}
const github_REQUEST_TIMEOUT_MS = 30_000;
/**
 * Dispatches through Octokit with bounded retries on 5xx, network errors and
 * rate limits. A retried POST can start the workflow twice when an earlier
 * attempt reached GitHub but its answer was lost; the worker's second report
 * is then refused by CodePipeline, which is cheaper than a job that waits for
 * its timeout.
 */
function createGitHubDispatcher(github, options = {}) {
    const policy = options.policy ?? DEFAULT_RETRY_POLICY;
    const sleep = options.sleep ?? ((ms) => new Promise(resolve => setTimeout(resolve, ms)));
    const log = options.log ?? consoleLog;
    let octokit;
    return {
        async dispatch(target, inputs) {
            // Loaded on first use: it is the heaviest module, and a round without jobs never needs it.
            octokit ??= __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413)).then(m => m.getOctokit(github.token, { baseUrl: github.apiUrl }));
            const client = await octokit;
            const [owner = '', repo = ''] = target.repository.split('/');
            let askForRun = true;
            let attempt = 0;
            for (;;) {
                attempt++;
                try {
                    const response = await client.rest.actions.createWorkflowDispatch({
                        owner,
                        repo,
                        workflow_id: target.workflow,
                        ref: target.ref,
                        inputs: { ...inputs },
                        ...(askForRun ? { return_run_details: true } : {}),
                        request: { signal: AbortSignal.timeout(github_REQUEST_TIMEOUT_MS) }
                    });
                    return { runUrl: runUrlOf(response.data), attempts: attempt };
                }
                catch (error) {
                    const failure = httpFailureOf(error);
                    if (askForRun &&
                        (failure.status === 400 || failure.status === 422) &&
                        /return_run_details/.test(failure.message)) {
                        // GitHub Enterprise Server versions before the parameter existed refuse it; nothing was started.
                        askForRun = false;
                        attempt--;
                        continue;
                    }
                    const delay = retryDelayMs(failure, attempt, policy);
                    if (delay === undefined)
                        throw new DispatchError(failure, attempt);
                    log.info(`Dispatching ${target.workflow} in ${target.repository} failed (${failure.status ?? 'no answer'}: ${failure.message}); retrying in ${delay} ms.`);
                    await sleep(delay);
                }
            }
        }
    };
}
function runUrlOf(data) {
    return isRecord(data) && typeof data.html_url === 'string' ? data.html_url : undefined;
}

// EXTERNAL MODULE: ./src/dispatch/poll.ts
var poll = __webpack_require__(5810);
// EXTERNAL MODULE: ./src/dispatch/target.ts
var dispatch_target = __webpack_require__(3005);
;// CONCATENATED MODULE: ./src/dispatch/dispatcher.ts








/**
 * One round: poll CodePipeline for the action type's jobs, claim each one and
 * start its workflow, reporting a failure for any job whose workflow cannot
 * be started. Throws only when the poll itself fails. Callable from the
 * action, a Node process or a Lambda handler; missing deps are created from
 * the settings.
 */
async function dispatchJobs(settings, deps = {}) {
    const log = deps.log ?? consoleLog;
    const github = deps.github ?? createGitHubDispatcher(settings.github, { log });
    const codePipeline = deps.codePipeline ?? (await createCodePipelineClient(settings.connection));
    try {
        const { region } = settings.connection;
        const polled = await (0,poll/* pollJobs */.Ck)(codePipeline, settings.actionType, settings.maxBatchSize, region);
        if (polled.unusable > 0)
            log.warning(`Ignoring ${polled.unusable} job(s) CodePipeline sent without an ID or nonce.`);
        log.info(`Polled ${polled.jobs.length} job(s) for ${(0,poll/* describeActionType */.c_)(settings.actionType)} in ${region}.`);
        const jobs = [];
        // One job at a time: a batch is small, and GitHub's secondary rate limits punish bursts.
        for (const job of polled.jobs)
            jobs.push(await handleJob(job, settings, { codePipeline, github, log }));
        const count = (status) => jobs.filter(j => j.status === status).length;
        return {
            seen: jobs.length,
            dispatched: count('dispatched'),
            skipped: count('skipped'),
            failed: count('failed'),
            jobs
        };
    }
    finally {
        if (!deps.codePipeline)
            codePipeline.destroy();
    }
}
async function handleJob(job, settings, deps) {
    const { log } = deps;
    const base = {
        jobId: job.id,
        pipelineName: job.pipelineName,
        stage: job.stage,
        action: job.action,
        needsAttention: false
    };
    let ack;
    try {
        ack = await (0,poll/* acknowledgeJob */.A2)(deps.codePipeline, job);
    }
    catch (error) {
        const message = `${(0,errors/* errorMessage */.gJ)(error)}. The job was not started and could not be reported.`;
        log.warning(message);
        return { ...base, status: 'failed', message, needsAttention: true };
    }
    if (ack.kind === 'taken') {
        log.info(`Job ${job.id}: another worker acknowledged it first; skipping.`);
        return { ...base, status: 'skipped', message: 'Another worker acknowledged the job first.' };
    }
    if (ack.warning)
        log.warning(ack.warning);
    const resolved = (0,dispatch_target/* resolveTarget */.u1)(job, settings.defaults);
    if (!resolved.ok)
        return fail(job, base, { failureType: 'ConfigurationError', message: resolved.problem }, settings, deps);
    const target = resolved.value;
    const located = { ...base, target, workflowUrl: workflowUrl(settings.github.serverUrl, target) };
    const inputs = (0,dispatch_target/* workflowInputs */.$t)(job);
    log.info(`Job ${job.id}: dispatching workflow ${target.workflow} in ${target.repository} at ${target.ref}.`);
    log.debug(`Workflow inputs for job ${job.id}: ${JSON.stringify(inputs)}`);
    try {
        const answer = await deps.github.dispatch(target, inputs);
        log.info(`Job ${job.id}: started ${answer.runUrl ?? located.workflowUrl}.`);
        return { ...located, status: 'dispatched', runUrl: answer.runUrl };
    }
    catch (error) {
        const failure = error instanceof DispatchError
            ? explainDispatchFailure(error.failure, target, error.attempts)
            : {
                failureType: 'JobFailed',
                message: `Could not dispatch the GitHub workflow: ${(0,errors/* errorMessage */.gJ)(error)}`
            };
        return fail(job, located, failure, settings, deps);
    }
}
async function fail(job, outcome, failure, settings, { codePipeline, log }) {
    log.warning(`Job ${job.id}: ${failure.message}`);
    const failed = { ...outcome, status: 'failed', failureType: failure.failureType, message: failure.message };
    try {
        const warning = await reportDispatchFailure(codePipeline, job.id, failure, settings.connection);
        if (warning)
            log.warning(warning);
        log.info(`Job ${job.id}: reported as failed (${failure.failureType}).`);
        return failed;
    }
    catch (error) {
        log.warning(`Job ${job.id}: the failure could not be reported either: ${(0,errors/* errorMessage */.gJ)(error)}`);
        return { ...failed, needsAttention: true };
    }
}
function workflowUrl(serverUrl, target) {
    return `${serverUrl}/${target.repository}/actions/workflows/${encodeURIComponent(target.workflow)}`;
}


/***/ })

};
