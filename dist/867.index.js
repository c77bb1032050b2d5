export const id = 867;
export const ids = [867];
export const modules = {

/***/ 1867:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  REQUEST_TIMEOUT_MS: () => (/* binding */ REQUEST_TIMEOUT_MS),
  createCodePipelineClient: () => (/* binding */ createCodePipelineClient),
  serviceUrl: () => (/* binding */ serviceUrl)
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


/***/ })

};
