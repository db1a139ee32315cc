// Runs our nsqlookupd binary (NSQLOOKUPD_BIN) for the cluster interop tests: ephemeral or given
// ports on 127.0.0.1, broadcast address 127.0.0.1, ready once /ping answers OK. Every wait is
// bounded so a misbehaving daemon fails a test instead of hanging it.
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'

import {sleep, withTimeout} from './harness.mjs'

function lookupdBinary() {
    const bin = process.env.NSQLOOKUPD_BIN
    if (!bin) throw new Error('NSQLOOKUPD_BIN is not set: it must name the nsqlookupd binary')
    if (!existsSync(bin)) {
        throw new Error(`NSQLOOKUPD_BIN=${bin} does not exist (build target nsqlookupd)`)
    }
    return bin
}

const LISTEN_RE = {
    tcp: /TCP: listening on (\S+):(\d+)\s*$/m,
    http: /HTTP: listening on (\S+):(\d+)\s*$/m,
}

function parsePort(stderr, which) {
    const m = LISTEN_RE[which].exec(stderr)
    return m ? Number(m[2]) : null
}

/** GET http://127.0.0.1:<port><path> → {status, body}; rejects when unreachable. */
export async function httpGet(port, urlPath, ms = 2000) {
    const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {signal: AbortSignal.timeout(ms)})
    return {status: res.status, body: await res.text()}
}

/** POST with an empty body → {status, body}. */
export async function httpPost(port, urlPath, ms = 2000) {
    const res = await fetch(`http://127.0.0.1:${port}${urlPath}`,
                            {method: 'POST', signal: AbortSignal.timeout(ms)})
    return {status: res.status, body: await res.text()}
}

// Safety net: never leave an nsqlookupd behind when this test process ends.
const running = new Set()
process.on('exit', () => {
    for (const proc of running) proc.kill('SIGKILL')
})

/** One nsqlookupd process; use `NsqlookupdProcess.start()`. */
export class NsqlookupdProcess {
    constructor(proc, args) {
        this.proc = proc
        this.args = args
        this.stderr = ''
        running.add(proc)
        this.exited = false
        this.exit = new Promise((resolve) => {
            proc.on('exit', (code, signal) => {
                running.delete(proc)
                this.exited = true
                resolve({code, signal})
            })
        })
        proc.stderr.setEncoding('utf8')
        proc.stderr.on('data', (d) => {
            this.stderr += d
            if (process.env.NSQPP_E2E_VERBOSE) process.stderr.write(d)
        })
        proc.stdout.resume()
    }

    /** Starts on 127.0.0.1:<tcpPort>/<httpPort> (0 = ephemeral, read back from the log). */
    static async start({tcpPort = 0, httpPort = 0, extraArgs = []} = {}) {
        const args = [
            `--tcp-address=127.0.0.1:${tcpPort}`,
            `--http-address=127.0.0.1:${httpPort}`,
            '--broadcast-address=127.0.0.1',
            ...extraArgs,
        ]
        const l = new NsqlookupdProcess(
            spawn(lookupdBinary(), args, {stdio: ['ignore', 'pipe', 'pipe']}), args)
        const deadline = Date.now() + 10000
        while (parsePort(l.stderr, 'tcp') === null || parsePort(l.stderr, 'http') === null) {
            if (l.exited || Date.now() > deadline) {
                await l.kill()
                throw new Error(`nsqlookupd ${args.join(' ')} did not start:\n${l.stderr}`)
            }
            await sleep(10)
        }
        l.tcpPort = parsePort(l.stderr, 'tcp') || tcpPort
        l.httpPort = parsePort(l.stderr, 'http') || httpPort
        for (;;) {
            try {
                const r = await httpGet(l.httpPort, '/ping', 500)
                if (r.status === 200 && r.body === 'OK') break
            } catch {
                // not listening yet
            }
            if (l.exited || Date.now() > deadline) {
                await l.kill()
                throw new Error(`nsqlookupd never answered /ping OK:\n${l.stderr}`)
            }
            await sleep(20)
        }
        return l
    }

    /** "127.0.0.1:<tcp port>" for nsqd's --lookupd-tcp-address. */
    get tcpAddress() {
        return `127.0.0.1:${this.tcpPort}`
    }

    /** "127.0.0.1:<http port>" for nsqjs's lookupdHTTPAddresses. */
    get httpAddress() {
        return `127.0.0.1:${this.httpPort}`
    }

    /** GET path as JSON (throws unless 200). */
    async getJson(urlPath) {
        const r = await httpGet(this.httpPort, urlPath)
        if (r.status !== 200) throw new Error(`GET ${urlPath}: ${r.status} ${r.body}`)
        return JSON.parse(r.body)
    }

    /** "broadcast_address:tcp_port" of every producer in /nodes. */
    async nodeKeys() {
        const {producers} = await this.getJson('/nodes')
        return producers.map((p) => `${p.broadcast_address}:${p.tcp_port}`).sort()
    }

    /** "broadcast_address:tcp_port" of /lookup?topic= producers ([] when 404). */
    async lookupKeys(topic) {
        const r = await httpGet(this.httpPort, `/lookup?topic=${encodeURIComponent(topic)}`)
        if (r.status !== 200) return []
        return JSON.parse(r.body).producers.map((p) => `${p.broadcast_address}:${p.tcp_port}`)
            .sort()
    }

    /** SIGTERM, then wait (bounded) for exit; returns {code, signal}. SIGKILL if it hangs. */
    async stop(ms = 10000) {
        if (!this.exited) this.proc.kill('SIGTERM')
        try {
            return await withTimeout(this.exit, ms, 'nsqlookupd exit after SIGTERM')
        } catch (err) {
            await this.kill()
            throw err
        }
    }

    async kill() {
        if (!this.exited) this.proc.kill('SIGKILL')
        return this.exit
    }
}

/**
 * Polls the async `condition` every 50 ms until it resolves truthy; rejects after `ms`.
 * `what` (a string, or a function returning one) describes the condition on timeout.
 */
export async function waitForAsync(condition, ms, what) {
    const deadline = Date.now() + ms
    for (;;) {
        try {
            if (await condition()) return
        } catch {
            // a daemon not answering yet counts as "not yet"
        }
        if (Date.now() > deadline) {
            const text = typeof what === 'function' ? await what() : what
            throw new Error(`timeout after ${ms} ms waiting for: ${text}`)
        }
        await sleep(50)
    }
}
