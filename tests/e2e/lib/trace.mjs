// A logging TCP proxy for debugging (enabled with NSQPP_E2E_TRACE=1): clients dial the proxy,
// which forwards to nsqd and prints every V2 command the client sends and every frame nsqd
// answers, e.g.
//   [trace #3 +12ms] C> PUB t_1 (5 bytes) "hello"
//   [trace #3 +13ms] S< RESPONSE "OK"
// Only for uncompressed, non-TLS connections (which is all the tests use).
import net from 'node:net'

const BODY_COMMANDS = new Set(['IDENTIFY', 'AUTH', 'PUB', 'MPUB', 'DPUB'])
const FRAME_TYPES = ['RESPONSE', 'ERROR', 'MESSAGE']

function preview(buf, max = 60) {
    const s = buf.subarray(0, max).toString('utf8').replace(/[^\x20-\x7e]/g, '.')
    return JSON.stringify(s) + (buf.length > max ? '...' : '')
}

/** Decodes the client→nsqd byte stream into command lines. */
function commandDecoder(log) {
    let buf = Buffer.alloc(0)
    let magicSeen = false
    return (chunk) => {
        buf = Buffer.concat([buf, chunk])
        for (;;) {
            if (!magicSeen) {
                if (buf.length < 4) return
                log(`C> MAGIC ${JSON.stringify(buf.subarray(0, 4).toString())}`)
                buf = buf.subarray(4)
                magicSeen = true
                continue
            }
            const nl = buf.indexOf(10)
            if (nl < 0) return
            const line = buf.subarray(0, nl).toString()
            const name = line.split(' ')[0]
            if (!BODY_COMMANDS.has(name)) {
                log(`C> ${line}`)
                buf = buf.subarray(nl + 1)
                continue
            }
            if (buf.length < nl + 5) return
            const len = buf.readInt32BE(nl + 1)
            if (buf.length < nl + 5 + len) return
            const body = buf.subarray(nl + 5, nl + 5 + len)
            if (name === 'MPUB') {
                log(`C> ${line} (${len} bytes, ${body.length >= 4 ? body.readInt32BE(0) : '?'} msgs)`)
            } else {
                log(`C> ${line} (${len} bytes) ${preview(body, name === 'IDENTIFY' ? 400 : 60)}`)
            }
            buf = buf.subarray(nl + 5 + len)
        }
    }
}

/** Decodes the nsqd→client byte stream into frames. */
function frameDecoder(log) {
    let buf = Buffer.alloc(0)
    return (chunk) => {
        buf = Buffer.concat([buf, chunk])
        while (buf.length >= 4) {
            const size = buf.readInt32BE(0)
            if (buf.length < 4 + size) return
            const type = buf.readInt32BE(4)
            const data = buf.subarray(8, 4 + size)
            if (type === 2 && data.length >= 26) {
                log(`S< MESSAGE id=${data.subarray(10, 26)} attempts=${data.readUInt16BE(8)} ` +
                    `(${data.length - 26} bytes) ${preview(data.subarray(26))}`)
            } else {
                log(`S< ${FRAME_TYPES[type] ?? `TYPE${type}`} ${preview(data, 400)}`)
            }
            buf = buf.subarray(4 + size)
        }
    }
}

export function startTraceProxy(targetPort) {
    let connId = 0
    const sockets = new Set()
    const server = net.createServer((client) => {
        const id = ++connId
        const t0 = Date.now()
        const log = (s) => process.stderr.write(`[trace #${id} +${Date.now() - t0}ms] ${s}\n`)
        const upstream = net.connect(targetPort, '127.0.0.1')
        sockets.add(client)
        sockets.add(upstream)
        const toServer = commandDecoder(log)
        const toClient = frameDecoder(log)
        client.on('data', (d) => {
            toServer(d)
            upstream.write(d)
        })
        upstream.on('data', (d) => {
            toClient(d)
            client.write(d)
        })
        client.on('end', () => {
            log('C> EOF')
            upstream.end()
        })
        upstream.on('end', () => {
            log('S< EOF (nsqd closed the connection)')
            client.end()
        })
        client.on('error', (e) => {
            log(`C> error ${e.code}`)
            upstream.destroy()
        })
        upstream.on('error', (e) => {
            log(`S< error ${e.code}`)
            client.destroy()
        })
        client.on('close', () => {
            sockets.delete(client)
            upstream.destroy()
        })
        upstream.on('close', () => {
            sockets.delete(upstream)
            client.destroy()
        })
    })
    return new Promise((resolve) => {
        server.listen(0, '127.0.0.1', () => {
            resolve({
                port: server.address().port,
                close() {
                    server.close()
                    for (const s of sockets) s.destroy()
                },
            })
        })
    })
}
