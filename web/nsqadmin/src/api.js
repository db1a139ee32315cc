// Talking to nsqadmin's /api: base path, NSQ's headers, 20 s timeout, error texts.
/* global BASE_PATH, USER_AGENT */

export const basePath = typeof BASE_PATH === 'string' && BASE_PATH !== '/' ? BASE_PATH : ''

/** An in-app URL under the base path: url('/topics/t') → '/admin/topics/t'. */
export const url = (path) => basePath + path

export const enc = encodeURIComponent

/** Calls the API; resolves with the JSON body, rejects with Error(message). */
export async function api(method, path, body) {
    const ctrl = new AbortController()
    const timer = setTimeout(() => ctrl.abort(), 20000)
    let res
    try {
        res = await fetch(url(path), {
            method,
            headers: {
                'Accept': 'application/vnd.nsq; version=1.0',
                'X-UserAgent': typeof USER_AGENT === 'string' ? USER_AGENT : 'nsqadmin',
                'Content-Type': 'application/json',
            },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: ctrl.signal,
        })
    } catch (e) {
        throw new Error('ERROR: failed to connect to nsqadmin')
    } finally {
        clearTimeout(timer)
    }
    let data = null
    try {
        data = await res.json()
    } catch (e) {
        data = null
    }
    if (!res.ok) {
        const err = new Error((data && data.message) || `HTTP ${res.status}`)
        err.status = res.status
        throw err
    }
    return data
}

/** A node id ("host:port", "[v6]:port") for a URL path: readable, ':' and brackets kept. */
export const encNode = (s) => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%5B/gi, '[').replace(/%5D/gi, ']')
