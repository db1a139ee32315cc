// nsqjs Readers that know only nsqlookupd HTTP addresses, against our binaries in the seed
// deployment's topology: 2 nsqlookupd + 3 nsqd, each nsqd registered with both lookupds.
// Producers publish to their local nsqd; every message reaches each channel exactly once; a
// lookupd dies (discovery goes on through the other) and comes back (registrations return).
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'

import {
    NsqdProcess, closeWriter, nsq, numbered, openWriter, publish, sleep, uniqueName, waitFor,
} from './lib/harness.mjs'
import {NsqlookupdProcess, httpPost, waitForAsync} from './lib/nsqlookupd.mjs'

const T = {timeout: 40000}
const cluster = {lookupds: [], nsqds: [], stopped: []}

const nodeKey = (nsqd) => `127.0.0.1:${nsqd.realTcpPort}`
const liveKeys = () => cluster.nsqds.map(nodeKey).sort()
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b)

before(async () => {
    cluster.lookupds = [await NsqlookupdProcess.start(), await NsqlookupdProcess.start()]
    const args = [
        '--broadcast-address=127.0.0.1',
        ...cluster.lookupds.map((l) => `--lookupd-tcp-address=${l.tcpAddress}`),
    ]
    for (let i = 0; i < 3; i++) cluster.nsqds.push(await NsqdProcess.start(args))
    for (const l of cluster.lookupds) {
        await waitForAsync(async () => same(await l.nodeKeys(), liveKeys()), 10000,
                           async () => `every nsqd in /nodes of ${l.httpAddress}`)
    }
})

after(async () => {
    for (const n of [...cluster.nsqds, ...cluster.stopped]) {
        if (!n.exited) await n.kill()
        process.stderr.write(`---- nsqd ${n.args.join(' ')} log:\n${n.stderr}`)
        n.removeDataDir()
    }
    for (const l of cluster.lookupds) {
        if (!l.exited) await l.kill()
        process.stderr.write(`---- nsqlookupd ${l.args.join(' ')} log:\n${l.stderr}`)
    }
})

/** A Reader configured with lookupd HTTP addresses only; FINs and records every body. */
function openLookupdReader(topic, channel, options = {}) {
    const reader = new nsq.Reader(topic, channel, {
        lookupdHTTPAddresses: cluster.lookupds.map((l) => l.httpAddress),
        lookupdPollInterval: 1,  // seconds; nsqjs asks one lookupd per poll, round robin
        maxInFlight: 10,
        ...options,
    })
    reader.received = []
    reader.errors = []
    reader.on(nsq.Reader.ERROR, (err) => reader.errors.push(err))
    reader.on(nsq.Reader.MESSAGE, (msg) => {
        reader.received.push(msg.body.toString())
        msg.finish()
    })
    reader.connect()
    return reader
}

const connections = (reader) => reader.readerRdy.connections.length

async function closeReaders(...readers) {
    for (const r of readers) r.close()
    await waitFor(() => readers.every((r) => connections(r) === 0), 3000, 'Readers closed')
}

function assertEachOnce(reader, bodies, who) {
    const counts = new Map()
    for (const b of reader.received) counts.set(b, (counts.get(b) ?? 0) + 1)
    const wrong = bodies.filter((b) => counts.get(b) !== 1)
    assert.deepEqual(wrong.slice(0, 5), [], `${who}: every message exactly once`)
    assert.equal(reader.received.length, bodies.length, `${who}: no extra deliveries`)
    assert.deepEqual(reader.errors.map(String), [], `${who}: no nsqjs error events`)
}

/** Each nsqd gets its own distinct messages from a Writer connected to it alone. */
async function publishToEveryNsqd(topic, prefix, n) {
    const all = []
    for (const [i, nsqd] of cluster.nsqds.entries()) {
        const bodies = numbered(`${prefix}-n${i}`, n)
        const writer = await openWriter(nsqd)
        await publish(writer, topic, bodies)
        await closeWriter(writer)
        all.push(...bodies)
    }
    return all
}

test('Readers with lookupdHTTPAddresses find all three nsqds; each message once per channel', T,
     async () => {
         const topic = uniqueName('cluster')
         // Channels created in the cluster first (as with nsqadmin): each nsqd pre-creates them
         // from lookupd when the first publish creates its topic.
         for (const l of cluster.lookupds) {
             for (const ch of ['ca', 'cb']) {
                 const r = await httpPost(l.httpPort, `/channel/create?topic=${topic}&channel=${ch}`)
                 assert.equal(r.status, 200, r.body)
             }
         }
         const bodies = await publishToEveryNsqd(topic, 'first', 50)

         const a = openLookupdReader(topic, 'ca')
         const b = openLookupdReader(topic, 'cb')
         await waitFor(() => a.received.length >= bodies.length && b.received.length >= bodies.length,
                       15000, () => `all deliveries (ca ${a.received.length}, cb ` +
                                    `${b.received.length} of ${bodies.length})`)
         await sleep(500)  // room for duplicates to show up
         assert.equal(connections(a), 3, 'Reader ca connected to every nsqd')
         assert.equal(connections(b), 3, 'Reader cb connected to every nsqd')
         assertEachOnce(a, bodies, 'ca')
         assertEachOnce(b, bodies, 'cb')
         await closeReaders(a, b)
     })

test('one lookupd killed: a new Reader still discovers every nsqd through the other', T,
     async () => {
         const dead = cluster.lookupds[0]
         const {code, signal} = await dead.stop()
         assert.deepEqual({code, signal}, {code: 0, signal: null}, 'nsqlookupd exits 0 on SIGTERM')

         const topic = uniqueName('survivor')
         for (const n of cluster.nsqds) {
             const r = await fetch(`http://127.0.0.1:${n.httpPort}/topic/create?topic=${topic}`,
                                   {method: 'POST', signal: AbortSignal.timeout(2000)})
             assert.equal(r.status, 200)
         }
         const live = cluster.lookupds[1]
         await waitForAsync(async () => same(await live.lookupKeys(topic), liveKeys()), 5000,
                            'the topic registered with the surviving lookupd')

         // The Reader's first query goes to the dead lookupd; the next one (1 s later) to the live.
         const c = openLookupdReader(topic, 'cc')
         await waitFor(() => connections(c) === 3, 10000,
                       () => `Reader connected to 3 nsqds (has ${connections(c)})`)
         const bodies = await publishToEveryNsqd(topic, 'second', 30)
         await waitFor(() => c.received.length >= bodies.length, 10000,
                       () => `all deliveries (${c.received.length} of ${bodies.length})`)
         await sleep(300)
         assertEachOnce(c, bodies, 'cc')
         await closeReaders(c)
     })

test('the lookupd restarted on the same ports gets every registration back', T, async () => {
    const old = cluster.lookupds[0]
    const restarted = await NsqlookupdProcess.start({tcpPort: old.tcpPort, httpPort: old.httpPort})
    cluster.lookupds[0] = restarted
    cluster.lookupds.push(old)  // its log is still printed at the end
    // nsqd retries with a backoff capped at 15 s, so allow a little more than that.
    await waitForAsync(async () => same(await restarted.nodeKeys(), liveKeys()), 20000,
                       async () => `every nsqd back in /nodes (has ${await restarted.nodeKeys()})`)
    const {topics} = await restarted.getJson('/topics')
    assert.ok(topics.some((t) => t.startsWith('cluster_')), `topics re-registered: ${topics}`)
    assert.ok(topics.some((t) => t.startsWith('survivor_')), `topics re-registered: ${topics}`)
    const clusterTopic = topics.find((t) => t.startsWith('cluster_'))
    assert.deepEqual(await restarted.lookupKeys(clusterTopic), liveKeys())
    const {channels} = await restarted.getJson(`/channels?topic=${clusterTopic}`)
    assert.deepEqual(channels.sort(), ['ca', 'cb'])
})

test('a stopped nsqd leaves /nodes; every daemon exits 0 on SIGTERM', T, async () => {
    const gone = cluster.nsqds.pop()
    cluster.stopped.push(gone)
    const r = await gone.stop()
    assert.deepEqual({code: r.code, signal: r.signal}, {code: 0, signal: null}, gone.stderr)
    for (const l of cluster.lookupds.slice(0, 2)) {
        await waitForAsync(async () => same(await l.nodeKeys(), liveKeys()), 5000,
                           `${nodeKey(gone)} gone from /nodes of ${l.httpAddress}`)
    }
    for (const n of cluster.nsqds.splice(0)) {
        cluster.stopped.push(n)
        const s = await n.stop()
        assert.deepEqual({code: s.code, signal: s.signal}, {code: 0, signal: null}, n.stderr)
    }
    for (const l of cluster.lookupds) {
        if (l.exited) continue
        const s = await l.stop()
        assert.deepEqual({code: s.code, signal: s.signal}, {code: 0, signal: null}, l.stderr)
    }
})
