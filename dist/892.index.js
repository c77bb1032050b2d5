export const id = 892;
export const ids = [892];
export const modules = {

/***/ 7892:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  intendedResult: () => (/* binding */ intendedResult),
  sendReport: () => (/* binding */ sendReport)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-codepipeline/dist-cjs/index.js
var dist_cjs = __webpack_require__(8232);
;// CONCATENATED MODULE: ./src/attempt-log.ts
// Errors raised before a single byte reached the service.
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
function classifyFailure(error) {
    const status = error?.$metadata?.httpStatusCode;
    if (typeof status === 'number')
        return status >= 500 ? 'uncertain' : 'refused';
    const code = error?.code;
    return typeof code === 'string' && NEVER_SENT_CODES.has(code) ? 'refused' : 'uncertain';
}
/**
 * Records the outcome of every attempt of one call. Its middleware sits in
 * the deserialize step, inside the SDK's retry loop, so it sees each attempt
 * rather than only the last.
 */
class AttemptLog {
    outcomes = [];
    get attempts() {
        return this.outcomes;
    }
    /** True when an attempt before the last one may have been acted on by CodePipeline. */
    earlierAttemptMayHaveLanded() {
        return this.outcomes.slice(0, -1).includes('uncertain');
    }
    // The stack's input and output types vary by command; this middleware only watches.
    attachTo(stack) {
        const middleware = next => async (args) => {
            try {
                const result = await next(args);
                this.outcomes.push('answered');
                return result;
            }
            catch (error) {
                this.outcomes.push(classifyFailure(error));
                throw error;
            }
        };
        stack.add(middleware, { step: 'deserialize', priority: 'high', name: 'codepipelineJobWorkerAttemptLog' });
    }
}

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
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
    const log = new AttemptLog();
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


/***/ })

};
