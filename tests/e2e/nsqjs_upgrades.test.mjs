// nsqjs ↔ our nsqd with negotiated transports: TLS (tls_v1 upgrade), snappy, deflate, and TLS
// combined with each compression. Every message (small, large, MPUB) arrives exactly once and
// nsqd's /stats shows what the connection negotiated.
import assert from 'node:assert/strict'
import {execSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, before, test} from 'node:test'

import {
    assertCleanShutdown, closeReader, closeWriter, numbered, openCollector, openWriter, publish,
    uniqueName, useNsqd, waitFor,
} from './lib/harness.mjs'

// A self-signed server certificate, generated for this run.
const certDir = mkdtempSync(path.join(os.tmpdir(), 'nsqpp-nsqjs-tls-'))
const cert = path.join(certDir, 'cert.pem')
const key = path.join(certDir, 'key.pem')
execSync(`openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost ` +
             `-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout ${key} -out ${cert}`,
         {stdio: 'ignore'})

const env = useNsqd({before, after}, [`--tls-cert=${cert}`, `--tls-key=${key}`, '--https-address='])
after(() => rmSync(certDir, {recursive: true, force: true}))
const T = {timeout: 30000}

async function statsClients(nsqd, topic) {
    const res = await fetch(`http://127.0.0.1:${nsqd.httpPort}/stats?format=json&topic=${topic}`)
    const stats = await res.json()
    const channels = stats.topics[0]?.channels ?? []
    return channels.flatMap((c) => c.clients)
}

async function roundTrip(options, expect) {
    const topic = uniqueName('upgrade')
    const small = numbered('m', 50)
    const large = 'x'.repeat(200000) + 'end'
    const reader = await openCollector(env.nsqd, topic, 'ch', {maxInFlight: 20, ...options})
    const writer = await openWriter(env.nsqd, options)
    try {
        await publish(writer, topic, small.slice(0, 25))        // MPUB
        for (const b of small.slice(25)) await publish(writer, topic, b)  // PUB
        await publish(writer, topic, large)
        await waitFor(() => reader.received.length >= small.length + 1, 20000,
                      () => `all deliveries (got ${reader.received.length})`)
        const bodies = reader.received.map((r) => r.body)
        assert.deepEqual(bodies.filter((b) => b !== large).sort(), [...small].sort())
        assert.equal(bodies.filter((b) => b === large).length, 1, 'the large message once')
        assert.deepEqual(reader.errors?.map(String) ?? [], [])
        assert.deepEqual(writer.errors.map(String), [])
        const clients = await statsClients(env.nsqd, topic)
        assert.equal(clients.length, 1)
        for (const [k, v] of Object.entries(expect)) {
            assert.equal(clients[0][k], v, `/stats client ${k}`)
        }
    } finally {
        await closeWriter(writer)
        await closeReader(reader)
    }
}

test('tls', T, () => roundTrip({tls: true, tlsVerification: false},
                               {tls: true, snappy: false, deflate: false}))
test('snappy', T, () => roundTrip({snappy: true}, {tls: false, snappy: true, deflate: false}))
test('deflate', T, () => roundTrip({deflate: true, deflateLevel: 3},
                                   {tls: false, snappy: false, deflate: true}))
test('tls + snappy', T, () => roundTrip({tls: true, tlsVerification: false, snappy: true},
                                        {tls: true, snappy: true}))
test('tls + deflate', T, () => roundTrip({tls: true, tlsVerification: false, deflate: true},
                                         {tls: true, deflate: true}))

test('nsqd exits cleanly', T, async () => assertCleanShutdown(env, assert))
