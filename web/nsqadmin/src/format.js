// Number and duration formatting as NSQ's UI shows them.

/** 1234567 → "1,234,567". */
export function commafy(n) {
    if (n === null || n === undefined || Number.isNaN(n)) return ''
    const s = String(Math.round(n))
    return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** Nanoseconds → "1h2m3.45s", "12.5ms", "3.2us", "800ns". */
export function nanotohuman(ns) {
    if (!ns || ns < 0) return '0'
    if (ns < 1e3) return `${Math.round(ns)}ns`
    if (ns < 1e6) return `${+(ns / 1e3).toFixed(1)}us`
    if (ns < 1e9) return `${+(ns / 1e6).toFixed(1)}ms`
    let s = ns / 1e9
    let out = ''
    const h = Math.floor(s / 3600)
    if (h) out += `${h}h`
    s -= h * 3600
    const m = Math.floor(s / 60)
    if (m || h) out += `${m}m`
    s -= m * 60
    return `${out}${+s.toFixed(2)}s`
}

/** 0.99 → "99th", 0.5 → "50th", 0.01 → "1st". */
export function percentile(q) {
    const p = Math.floor(q * 100)
    const last = p % 10
    const teen = p % 100 >= 11 && p % 100 <= 13
    const suffix = teen ? 'th' : last === 1 ? 'st' : last === 2 ? 'nd' : last === 3 ? 'rd' : 'th'
    return `${p}${suffix}`
}

/** A rate in messages per second: "12.3/s". */
export const rate = (r) => (r >= 100 ? `${commafy(r)}/s` : `${+r.toFixed(2)}/s`)

/** "host:port" or "host:port (address:port)" when the hostname differs (spec §10.2). */
export function nodeName(hostname, node) {
    if (!node) return hostname
    const i = node.lastIndexOf(':')
    const addr = node.slice(0, i).replace(/^\[|\]$/g, '')
    const port = node.slice(i + 1)
    if (!hostname || hostname.toLowerCase() === addr.toLowerCase()) return node
    return `${hostname}:${port} (${node})`
}
