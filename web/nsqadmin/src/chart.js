// Live charts from nsqadmin's own polling history (GET /api/history), hand-drawn in SVG.
/* global HISTORY_INTERVAL_MS */
import {html} from 'htm/preact'

import {commafy, rate} from './format.js'
import {usePoll} from './components.js'

const W = 320
const H = 90
const PAD = 4

function Line({points, field, color, label, fmt}) {
    const values = points.map((p) => p[field])
    const max = Math.max(1, ...values)
    const n = points.length
    const x = (i) => (n <= 1 ? W - PAD : PAD + ((W - 2 * PAD) * i) / (n - 1))
    const y = (v) => H - PAD - ((H - 2 * PAD) * v) / max
    const line = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')
    const area = n ? `${x(0).toFixed(1)},${H - PAD} ${line} ${x(n - 1).toFixed(1)},${H - PAD}` : ''
    const last = n ? values[n - 1] : 0
    return html`
        <figure class="chart" data-testid=${`chart-${field}`} data-samples=${n}>
            <figcaption><span>${label}</span><strong style=${`color:${color}`}>${fmt(last)}</strong></figcaption>
            <svg viewBox=${`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img"
                 aria-label=${`${label} over time`}>
                <line x1="0" y1=${H - PAD} x2=${W} y2=${H - PAD} class="axis" />
                <line x1="0" y1=${PAD} x2=${W} y2=${PAD} class="grid" />
                ${n ? html`<polygon points=${area} fill=${color} fill-opacity="0.15" />` : null}
                ${n ? html`<polyline points=${line} fill="none" stroke=${color} stroke-width="2"
                                     vector-effect="non-scaling-stroke" />` : null}
            </svg>
            <div class="chart-scale"><span>max ${fmt(max)}</span><span>${n} sample${n === 1 ? "" : "s"}</span></div>
        </figure>`
}

/** Message rate and depth (and in-flight for channels) of one history series. */
export function HistoryCharts({query, inFlight = false}) {
    const interval = typeof HISTORY_INTERVAL_MS === 'number' ? HISTORY_INTERVAL_MS : 0
    const res = usePoll(`/api/history${query ? `?${query}` : ''}`, interval || 0)
    if (!interval) return null
    const points = (res.data && res.data.points) || []
    const minutes = res.data ? Math.round((res.data.capacity * interval) / 60000) : 0
    return html`
        <section class="charts" data-testid="charts">
            <h4>Live <small>(sampled every ${interval / 1000}s, last ${minutes} min)</small></h4>
            <div class="chart-row">
                <${Line} points=${points} field="rate" color="#2e7d32" label="Message rate" fmt=${rate} />
                <${Line} points=${points} field="depth" color="#c62828" label="Depth" fmt=${commafy} />
                ${inFlight ? html`<${Line} points=${points} field="in_flight" color="#1565c0"
                                          label="In-flight" fmt=${commafy} />` : null}
            </div>
        </section>`
}
