// Shared helpers for the nsqjs interop tests: load nsqjs, run our nsqd binary, small async
// utilities. Every helper has a bounded timeout so a misbehaving server fails a test instead
// of hanging it.
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {startTraceProxy} from './trace.mjs'

const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const NSQJS_VERSION = '0.13.0'

// ---------------------------------------------------------------------------------------------
// nsqjs: loaded from tests/e2e/node_modules only (never from a parent or global folder), and
// only in the pinned version. A missing module is a test failure, not a skip.

function loadNsqjs() {
    const pkg = path.join(E2E_DIR, 'node_modules', 'nsqjs', 'package.json')
    if (!existsSync(pkg)) {
        throw new Error(
            `nsqjs is not installed: ${pkg} is missing.\n` +
                `Run scripts/setup-deps.sh (it runs "npm ci" in tests/e2e) and re-run the tests.`)
    }
    const version = JSON.parse(readFileSync(pkg, 'utf8')).version
    if (version !== NSQJS_VERSION) {
        throw new Error(`tests/e2e/node_modules/nsqjs is version ${version}, expected ` +
                        `${NSQJS_VERSION}; run "npm ci" in tests/e2e`)
    }
    return createRequire(pkg)('nsqjs')
}

export const nsq = loadNsqjs()

// ---------------------------------------------------------------------------------------------
// Small async utilities.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Resolves with the promise's value, or rejects after `ms` with "timeout: <what>". */
export function withTimeout(promise, ms, what) {
    let timer
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms)
    })
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Polls `condition` every 10 ms until it returns truthy; rejects after `ms`. `what` (a string,
 * or a function returning one, evaluated on timeout) describes the condition.
 */
export async function waitFor(condition, ms, what) {
    const deadline = Date.now() + ms
    for (;;) {
        if (condition()) return
        if (Date.now() > deadline) {
            const text = typeof what === 'function' ? what() : what
            throw new Error(`timeout after ${ms} ms waiting for: ${text}`)
        }
        await sleep(10)
    }
}

/** Resolves with the arguments of the first `event` emitted by `emitter`. */
export function once(emitter, event, ms, what) {
    return withTimeout(new Promise((resolve) => emitter.once(event, (...a) => resolve(a))), ms,
                       what ?? `event "${event}"`)
}

let unique = 0
/** A fresh topic/channel name: valid for NSQ and nsqjs, unique within this process. */
export function uniqueName(prefix) {
    unique += 1
    return `${prefix}_${process.pid}_${unique}`
}

// ---------------------------------------------------------------------------------------------
// nsqd process.

function nsqdBinary() {
    const bin = process.env.NSQD_BIN
    if (!bin) throw new Error('NSQD_BIN is not set: it must name the nsqd binary under test')
    if (!existsSync(bin)) throw new Error(`NSQD_BIN=${bin} does not exist (build target nsqd)`)
    return bin
}

/** A port that was free a moment ago (bind 127.0.0.1:0, read it, close). */
function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer()
        srv.unref()
        srv.on('error', reject)
        srv.listen(0, '127.0.0.1', () => {
            const {port} = srv.address()
            srv.close(() => resolve(port))
        })
    })
}

const LISTEN_RE = {
    tcp: /TCP: listening on (\S+):(\d+)\s*$/m,
    http: /HTTP: listening on (\S+):(\d+)\s*$/m,
}

function parsePort(stderr, which) {
    const m = LISTEN_RE[which].exec(stderr)
    return m ? Number(m[2]) : null
}

async function httpGet(port, urlPath, ms = 2000) {
    const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {signal: AbortSignal.timeout(ms)})
    return {status: res.status, body: await res.text()}
}

// Safety net: never leave an nsqd behind when this test process ends, however it ends.
const running = new Set()
process.on('exit', () => {
    for (const proc of running) proc.kill('SIGKILL')
})

/**
 * One nsqd process. Use `NsqdProcess.start()`; it resolves once /ping answers OK.
 * `tcpPort` is what clients should dial (a tracing proxy when NSQPP_E2E_TRACE=1).
 */
export class NsqdProcess {
    constructor(proc, dataDir) {
        this.proc = proc
        this.dataDir = dataDir
        this.stderr = ''
        running.add(proc)
        this.exit = new Promise((resolve) => {
            proc.on('exit', (code, signal) => {
                running.delete(proc)
                resolve({code, signal})
            })
        })
        this.exited = false
        this.exit.then(() => {
            this.exited = true
        })
        proc.stderr.setEncoding('utf8')
        proc.stderr.on('data', (d) => {
            this.stderr += d
            if (process.env.NSQPP_E2E_VERBOSE) process.stderr.write(d)
        })
        proc.stdout.resume()
    }

    static async start(extraArgs = []) {
        const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nsqpp-e2e-'))
        try {
            return await NsqdProcess.startIn(dataDir, extraArgs)
        } catch (err) {
            rmSync(dataDir, {recursive: true, force: true})
            throw err
        }
    }

    static async startIn(dataDir, extraArgs) {
        // First try port 0 and read the bound ports from the log. If this nsqd logs ":0"
        // (no bound address), fall back to ports picked here, retrying on a lost race.
        const first = await NsqdProcess.spawnOnce(dataDir, extraArgs, 0, 0)
        if (first.ok) return first.nsqd
        let failure = first.reason
        for (let attempt = 0; attempt < 5; attempt++) {
            const [tcp, http] = [await freePort(), await freePort()]
            if (tcp === http) continue
            const r = await NsqdProcess.spawnOnce(dataDir, extraArgs, tcp, http)
            if (r.ok) return r.nsqd
            failure = r.reason
            if (!/listen|in use/i.test(failure)) break
        }
        throw new Error(`could not start nsqd: ${failure}`)
    }

    static async spawnOnce(dataDir, extraArgs, tcp, http) {
        const args = [
            `--tcp-address=127.0.0.1:${tcp}`,
            `--http-address=127.0.0.1:${http}`,
            `--data-path=${dataDir}`,
            ...extraArgs,
        ]
        const nsqd = new NsqdProcess(spawn(nsqdBinary(), args, {stdio: ['ignore', 'pipe', 'pipe']}),
                                     dataDir)
        nsqd.args = args
        const deadline = Date.now() + 10000
        // Wait for both "listening on" lines (or early exit).
        while (parsePort(nsqd.stderr, 'tcp') === null || parsePort(nsqd.stderr, 'http') === null) {
            if (nsqd.exited || Date.now() > deadline) {
                await nsqd.kill()
                return {ok: false, reason: `nsqd ${args.join(' ')} did not start:\n${nsqd.stderr}`}
            }
            await sleep(10)
        }
        nsqd.realTcpPort = parsePort(nsqd.stderr, 'tcp') || tcp
        nsqd.httpPort = parsePort(nsqd.stderr, 'http') || http
        if (nsqd.realTcpPort === 0 || nsqd.httpPort === 0) {
            await nsqd.stop()
            return {ok: false, reason: 'nsqd did not log its bound ports', retry: true}
        }
        // Ready when /ping says OK.
        for (;;) {
            try {
                const r = await httpGet(nsqd.httpPort, '/ping', 500)
                if (r.status === 200 && r.body === 'OK') break
            } catch {
                // not listening yet
            }
            if (nsqd.exited || Date.now() > deadline) {
                await nsqd.kill()
                return {ok: false, reason: `nsqd never answered /ping OK:\n${nsqd.stderr}`}
            }
            await sleep(20)
        }
        nsqd.tcpPort = nsqd.realTcpPort
        if (process.env.NSQPP_E2E_TRACE) {
            nsqd.proxy = await startTraceProxy(nsqd.realTcpPort)
            nsqd.tcpPort = nsqd.proxy.port
        }
        return {ok: true, nsqd}
    }

    /** "127.0.0.1:<port>" for nsqjs's nsqdTCPAddresses. */
    get tcpAddress() {
        return `127.0.0.1:${this.tcpPort}`
    }

    ping() {
        return httpGet(this.httpPort, '/ping')
    }

    /** SIGTERM, then wait (bounded) for exit; returns {code, signal}. SIGKILL if it hangs. */
    async stop(ms = 10000) {
        if (this.proxy) this.proxy.close()
        if (!this.exited) this.proc.kill('SIGTERM')
        try {
            return await withTimeout(this.exit, ms, 'nsqd exit after SIGTERM')
        } catch (err) {
            await this.kill()
            throw err
        }
    }

    async kill() {
        if (!this.exited) this.proc.kill('SIGKILL')
        return this.exit
    }

    removeDataDir() {
        rmSync(this.dataDir, {recursive: true, force: true})
    }
}

/**
 * Starts one nsqd for a test file: registers `before`/`after` hooks with node:test and returns
 * a holder whose `.nsqd` is set once started. The caller's last test should call `stopNsqd`
 * to assert the clean exit; `after` only cleans up (SIGKILL if still running, remove data dir).
 */
export function useNsqd({before, after}, extraArgs = []) {
    const holder = {nsqd: null}
    before(async () => {
        holder.nsqd = await NsqdProcess.start(extraArgs)
    })
    after(async () => {
        if (!holder.nsqd) return
        if (!holder.nsqd.exited) await holder.nsqd.kill()
        // Shown by ctest only when the test fails.
        process.stderr.write(`---- nsqd ${holder.nsqd.args.join(' ')} log:\n${holder.nsqd.stderr}`)
        holder.nsqd.removeDataDir()
    })
    return holder
}

/** For a file's last test: SIGTERM must end nsqd with exit status 0 (no signal). */
export async function assertCleanShutdown(holder, assert) {
    const {code, signal} = await holder.nsqd.stop()
    assert.deepEqual({code, signal}, {code: 0, signal: null},
                     `nsqd must exit 0 on SIGTERM; log:\n${holder.nsqd.stderr}`)
}

// ---------------------------------------------------------------------------------------------
// nsqjs wrappers: Promise-based, bounded, and recording every error event.

/** A connected nsqjs Writer (READY received); `writer.errors` collects ERROR events. */
export async function openWriter(nsqd, options = {}) {
    const writer = new nsq.Writer('127.0.0.1', nsqd.tcpPort, options)
    writer.errors = []
    writer.closed = false
    writer.on(nsq.Writer.ERROR, (err) => writer.errors.push(err))
    writer.on(nsq.Writer.CLOSED, () => {
        writer.closed = true
    })
    const ready = new Promise((resolve, reject) => {
        writer.once(nsq.Writer.READY, resolve)
        writer.once(nsq.Writer.ERROR, reject)
        writer.once(nsq.Writer.CLOSED, () => reject(new Error('writer closed before READY')))
    })
    writer.connect()
    await withTimeout(ready, 5000, 'nsqjs Writer READY (IDENTIFY handshake)')
    return writer
}

/** Writer.publish as a Promise (string/Buffer → PUB, array → MPUB). */
export function publish(writer, topic, msgs, ms = 5000) {
    return withTimeout(new Promise((resolve, reject) => {
        writer.publish(topic, msgs, (err) => (err ? reject(err) : resolve()))
    }), ms, `publish to ${topic}`)
}

/** Writer.deferPublish as a Promise (DPUB). */
export function deferPublish(writer, topic, msg, delayMs, ms = 5000) {
    // nsqjs 0.13.0 hands `msg` to produceMessages unwrapped, which throws for anything but an
    // array (after queueing the callback); so a single message must be passed as [msg].
    return withTimeout(new Promise((resolve, reject) => {
        writer.deferPublish(topic, [msg], delayMs, (err) => (err ? reject(err) : resolve()))
    }), ms, `deferPublish to ${topic}`)
}

export async function closeWriter(writer) {
    if (writer.closed) return
    const closed = once(writer, nsq.Writer.CLOSED, 2000, 'Writer CLOSED')
    writer.close()
    await closed
}

/**
 * A subscribed nsqjs Reader (SUB answered OK, RDY sent). `onMessage(msg, reader)` handles each
 * message; `reader.errors` collects ERROR events, `reader.closedConnections` counts
 * NSQD_CLOSED events.
 */
export async function openReader(nsqd, topic, channel, options, onMessage) {
    const reader = new nsq.Reader(topic, channel, {
        nsqdTCPAddresses: [nsqd.tcpAddress],
        ...options,
    })
    reader.errors = []
    reader.closedConnections = 0
    reader.on(nsq.Reader.ERROR, (err) => reader.errors.push(err))
    reader.on(nsq.Reader.NSQD_CLOSED, () => {
        reader.closedConnections += 1
    })
    reader.on(nsq.Reader.MESSAGE, (msg) => onMessage(msg, reader))
    const ready = new Promise((resolve, reject) => {
        reader.once(nsq.Reader.READY, resolve)
        reader.once(nsq.Reader.ERROR, reject)
    })
    reader.connect()
    await withTimeout(ready, 5000, `nsqjs Reader READY (SUB ${topic} ${channel})`)
    return reader
}

/** The NSQDConnection of a Reader connected to one nsqd. */
export function readerConnection(reader) {
    const rdy = reader.readerRdy.connections[0]
    if (!rdy) throw new Error('reader has no ready connection')
    return rdy.conn
}

/** Closes a Reader (CLS + close) and waits until its connection is gone. */
export async function closeReader(reader) {
    if (reader.readerRdy.connections.length === 0) {
        reader.close()
        return
    }
    const closed = once(reader, nsq.Reader.NSQD_CLOSED, 2000, 'Reader NSQD_CLOSED')
    reader.close()
    await closed
}

/** Messages' bodies as strings, sorted (for set comparisons). */
export const sortedBodies = (msgs) => msgs.map((m) => m.body.toString()).sort()

/** ["<prefix>-000", "<prefix>-001", ...]: fixed width so lexical order = numeric order. */
export const numbered = (prefix, n) =>
    Array.from({length: n}, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`)

/**
 * A Reader that records every delivery as {msg, body, at} in `reader.received` and finishes
 * each message after `holdMs` (never, with finish: false). `reader.stats.holding` is the number
 * of messages currently held unanswered, `reader.stats.maxHolding` its maximum so far.
 */
export async function openCollector(nsqd, topic, channel, options = {},
                                    {finish = true, holdMs = 0} = {}) {
    const received = []
    const stats = {holding: 0, maxHolding: 0}
    const reader = await openReader(nsqd, topic, channel, options, (msg) => {
        received.push({msg, body: msg.body.toString(), at: Date.now()})
        if (!finish) return
        stats.holding += 1
        stats.maxHolding = Math.max(stats.maxHolding, stats.holding)
        const done = () => {
            stats.holding -= 1
            msg.finish()
        }
        if (holdMs > 0) setTimeout(done, holdMs)
        else done()
    })
    reader.received = received
    reader.stats = stats
    return reader
}
