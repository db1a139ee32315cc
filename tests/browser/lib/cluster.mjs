// A real local cluster for the browser tests, started from the built binaries: nsqlookupd,
// nsqd × N (registered with it) and nsqadmin, all on 127.0.0.1 with port 0; ports are read
// from their "listening on" log lines. Every wait is bounded; processes are killed on exit.
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Polls `cond` (async ok) every 50 ms until truthy; throws after `ms` with `what`. */
export async function waitFor(cond, ms, what) {
    const deadline = Date.now() + ms
    let last
    for (;;) {
        try {
            last = await cond()
            if (last) return last
        } catch (e) {
            last = e
        }
        if (Date.now() > deadline) throw new Error(`timeout after ${ms} ms waiting for ${what} (last: ${last})`)
        await sleep(50)
    }
}

function binary(env) {
    const bin = process.env[env]
    if (!bin) throw new Error(`${env} is not set (ctest sets it to the built binary)`)
    if (!existsSync(bin)) throw new Error(`${env}=${bin} does not exist: build it first`)
    return bin
}

const running = new Set()
process.on('exit', () => running.forEach((p) => p.kill('SIGKILL')))

class Daemon {
    constructor(name, bin, args) {
        this.name = name
        this.args = args
        this.log = ''
        this.proc = spawn(bin, args, {stdio: ['ignore', 'pipe', 'pipe']})
        running.add(this.proc)
        this.exited = false
        this.exit = new Promise((resolve) => this.proc.on('exit', (code, signal) => {
            running.delete(this.proc)
            this.exited = true
            resolve({code, signal})
        }))
        for (const s of [this.proc.stdout, this.proc.stderr]) {
            s.setEncoding('utf8')
            s.on('data', (d) => { this.log += d })
        }
    }

    /** The port of "<what>: listening on <host>:<port>". */
    async port(what) {
        const re = new RegExp(`${what}: listening on \\S+:(\\d+)`)
        return Number((await waitFor(() => {
            if (this.exited) throw new Error(`${this.name} exited:\n${this.log}`)
            return re.exec(this.log)
        }, 15000, `${this.name} ${what} listening`))[1])
    }

    async stop() {
        if (!this.exited) this.proc.kill('SIGTERM')
        const t = setTimeout(() => this.proc.kill('SIGKILL'), 10000)
        const r = await this.exit
        clearTimeout(t)
        return r
    }
}

export async function httpJSON(port, method, target, body) {
    const res = await fetch(`http://127.0.0.1:${port}${target}`, {
        method, body, signal: AbortSignal.timeout(10000),
        headers: {Accept: 'application/vnd.nsq; version=1.0'},
    })
    const text = await res.text()
    let json = null
    try { json = JSON.parse(text) } catch { /* not JSON */ }
    return {status: res.status, text, json}
}

export class Cluster {
    /** Starts lookupd, `nsqds` nsqd and nsqadmin (`adminArgs` extra flags; nsqdMode: use
     *  --nsqd-http-address instead of lookupd). */
    static async start({nsqds = 2, adminArgs = [], nsqdMode = false} = {}) {
        const c = new Cluster()
        c.dataDirs = []
        c.lookupd = new Daemon('nsqlookupd', binary('NSQLOOKUPD_BIN'), [
            '--tcp-address=127.0.0.1:0', '--http-address=127.0.0.1:0', '--broadcast-address=127.0.0.1'])
        c.lookupdTcp = await c.lookupd.port('TCP')
        c.lookupdHttp = await c.lookupd.port('HTTP')
        c.nsqds = []
        for (let i = 0; i < nsqds; i++) {
            const dir = mkdtempSync(path.join(os.tmpdir(), 'nsqpp-browser-'))
            c.dataDirs.push(dir)
            const d = new Daemon(`nsqd${i}`, binary('NSQD_BIN'), [
                '--tcp-address=127.0.0.1:0', '--http-address=127.0.0.1:0', '--https-address=',
                '--broadcast-address=127.0.0.1', `--data-path=${dir}`,
                `--lookupd-tcp-address=127.0.0.1:${c.lookupdTcp}`])
            d.tcpPort = await d.port('TCP')
            d.httpPort = await d.port('HTTP')
            d.id = `127.0.0.1:${d.httpPort}`
            c.nsqds.push(d)
        }
        await waitFor(async () => (await httpJSON(c.lookupdHttp, 'GET', '/nodes')).json.producers.length === nsqds,
            15000, 'nsqd registered with nsqlookupd')
        const upstream = nsqdMode
            ? c.nsqds.map((d) => `--nsqd-http-address=${d.id}`)
            : [`--lookupd-http-address=127.0.0.1:${c.lookupdHttp}`]
        c.admin = new Daemon('nsqadmin', binary('NSQADMIN_BIN'), [
            '--http-address=127.0.0.1:0', '--history-interval=1s', ...upstream, ...adminArgs])
        c.adminPort = await c.admin.port('HTTP')
        return c
    }

    /** Another nsqadmin with these upstream flags (e.g. --nsqd-http-address=...). */
    static async startAdmin(args) {
        const admin = new Daemon('nsqadmin', binary('NSQADMIN_BIN'), ['--http-address=127.0.0.1:0', ...args])
        const port = await admin.port('HTTP')
        return {admin, adminUrl: (p = '/') => `http://127.0.0.1:${port}${p}`, stop: () => admin.stop()}
    }

    adminUrl(p = '/') { return `http://127.0.0.1:${this.adminPort}${p}` }

    /** Publishes `n` messages to `topic` on nsqd i and waits until lookupd lists that nsqd for it. */
    async publish(i, topic, n = 1) {
        for (let k = 0; k < n; k++) {
            const r = await httpJSON(this.nsqds[i].httpPort, 'POST', `/pub?topic=${topic}`, `msg-${k}`)
            if (r.status !== 200) throw new Error(`pub failed: ${r.text}`)
        }
        await this.waitRegistered(i, topic)
    }

    async createChannel(i, topic, channel) {
        await httpJSON(this.nsqds[i].httpPort, 'POST', `/topic/create?topic=${topic}`)
        const r = await httpJSON(this.nsqds[i].httpPort, 'POST', `/channel/create?topic=${topic}&channel=${channel}`)
        if (r.status !== 200) throw new Error(`channel create failed: ${r.text}`)
        await this.waitRegistered(i, topic)
        await waitFor(async () => (await httpJSON(this.lookupdHttp, 'GET', `/channels?topic=${topic}`)).json.channels.includes(channel),
            10000, `lookupd lists channel ${topic}/${channel}`)
    }

    async waitRegistered(i, topic) {
        const port = this.nsqds[i].httpPort
        await waitFor(async () => {
            const r = await httpJSON(this.lookupdHttp, 'GET', `/lookup?topic=${topic}`)
            return r.status === 200 && r.json.producers.some((p) => p.http_port === port)
        }, 10000, `lookupd lists nsqd${i} for ${topic}`)
    }

    /** nsqd i's /stats topic object (null when absent). */
    async nsqdTopic(i, topic) {
        const r = await httpJSON(this.nsqds[i].httpPort, 'GET', `/stats?format=json&topic=${topic}`)
        return (r.json.topics || [])[0] || null
    }

    async nsqdChannel(i, topic, channel) {
        const t = await this.nsqdTopic(i, topic)
        return t ? t.channels.find((c) => c.channel_name === channel) || null : null
    }

    async stop() {
        const all = [this.admin, ...this.nsqds, this.lookupd].filter(Boolean)
        await Promise.all(all.map((d) => d.stop()))
        for (const dir of this.dataDirs) rmSync(dir, {recursive: true, force: true})
    }

    logs() { return [this.admin, ...this.nsqds, this.lookupd].map((d) => `---- ${d.name}\n${d.log}`).join('\n') }
}

/** A raw V2 consumer: SUB topic/channel with RDY `rdy`; resolves once subscribed. */
export async function subscribe(port, topic, channel, rdy = 1) {
    const sock = net.connect(port, '127.0.0.1')
    await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject) })
    let buf = Buffer.alloc(0)
    sock.on('data', (d) => { buf = Buffer.concat([buf, d]) })
    const identify = JSON.stringify({client_id: 'browser-test', hostname: 'browser-host', user_agent: 'nsqpp-browser-test/1.0'})
    const len = Buffer.alloc(4)
    len.writeInt32BE(Buffer.byteLength(identify))
    sock.write(Buffer.concat([Buffer.from('  V2IDENTIFY\n'), len, Buffer.from(identify)]))
    sock.write(`SUB ${topic} ${channel}\nRDY ${rdy}\n`)
    await waitFor(() => buf.includes('OK'), 5000, 'SUB OK')
    return {close: () => sock.destroy()}
}
