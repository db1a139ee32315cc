// Shared UI pieces: links, polling hook, spinner, banners, confirmation modal, action buttons.
import {html} from 'htm/preact'
import {useCallback, useEffect, useRef, useState} from 'preact/hooks'

import {api, url} from './api.js'
import {navigate} from './router.js'

/** An in-app link (client-side navigation, real href for new tabs and deep links). */
export function Link({to, children, ...rest}) {
    const click = (e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return
        e.preventDefault()
        navigate(to)
    }
    return html`<a href=${url(to)} onClick=${click} ...${rest}>${children}</a>`
}

// ---- auto-refresh setting (navbar toggle, remembered in localStorage) -----------------------
const REFRESH_KEY = 'nsqadmin.autorefresh'
export const refreshSetting = {
    get: () => window.localStorage.getItem(REFRESH_KEY) !== 'off',
    set: (on) => {
        window.localStorage.setItem(REFRESH_KEY, on ? 'on' : 'off')
        window.dispatchEvent(new Event('nsqadmin-refresh'))
    },
}
export const REFRESH_MS = 5000

export function useAutoRefresh() {
    const [on, setOn] = useState(refreshSetting.get())
    useEffect(() => {
        const f = () => setOn(refreshSetting.get())
        window.addEventListener('nsqadmin-refresh', f)
        return () => window.removeEventListener('nsqadmin-refresh', f)
    }, [])
    return on
}

/**
 * GETs `path` now and, with auto-refresh on, every `every` ms. Returns
 * {data, error, loading, reload}. Keeps showing the last data while refreshing.
 */
export function usePoll(path, every = REFRESH_MS) {
    const [state, setState] = useState({data: null, error: null, loading: true})
    const auto = useAutoRefresh()
    const seq = useRef(0)
    const load = useCallback(async () => {
        const mine = ++seq.current
        try {
            const data = await api('GET', path)
            if (mine === seq.current) setState({data, error: null, loading: false})
        } catch (e) {
            if (mine === seq.current) setState((s) => ({data: s.data, error: e.message, loading: false}))
        }
    }, [path])
    useEffect(() => {
        setState({data: null, error: null, loading: true})
        load()
    }, [path])
    useEffect(() => {
        if (!auto || !every) return undefined
        const t = setInterval(load, every)
        return () => clearInterval(t)
    }, [auto, every, load])
    return {...state, reload: load}
}

export const Spinner = () =>
    html`<div class="spinner" role="status" aria-label="loading"><span></span><span></span><span></span></div>`

/** The API's "message" (warnings such as an unreachable nsqd) and errors. */
export function Banners({warning, error}) {
    return html`
        ${warning ? html`<div class="alert alert-warning" data-testid="warning">${warning}</div>` : null}
        ${error ? html`<div class="alert alert-danger" data-testid="error">${error}</div>` : null}`
}

/** Standard page frame for a polled resource: spinner first, then banners + content. */
export function Loaded({res, children}) {
    if (res.loading && !res.data) return html`<${Spinner} />`
    if (!res.data) return html`<${Banners} error=${res.error} />`
    return html`<${Banners} warning=${res.data.message} error=${res.error} />${children(res.data)}`
}

// ---- confirmation modal ----------------------------------------------------------------------
let openModal = null
export function ModalHost() {
    const [m, setM] = useState(null)
    openModal = setM
    if (!m) return null
    const close = () => setM(null)
    const confirm = () => {
        close()
        m.onConfirm()
    }
    return html`
        <div class="modal-backdrop" onClick=${close}>
            <div class="modal" role="dialog" aria-modal="true" onClick=${(e) => e.stopPropagation()}>
                <p>Are you sure you want to <strong>${m.action}</strong> <em>${m.name}</em>?</p>
                <div class="modal-buttons">
                    <button class="btn" onClick=${close}>Cancel</button>
                    <button class="btn btn-danger" data-testid="confirm" onClick=${confirm}>Confirm</button>
                </div>
            </div>
        </div>`
}
export const confirmAction = (action, name, onConfirm) => openModal && openModal({action, name, onConfirm})

/**
 * A button performing an admin action after confirmation: `request` = [method, path, body];
 * `after` runs on success (reload or navigate); failures go to `onError`.
 */
export function ActionButton({label, action, name, request, after, onError, kind = 'default', title}) {
    const [busy, setBusy] = useState(false)
    const run = async () => {
        setBusy(true)
        try {
            const res = await api(...request)
            if (res && res.message) onError && onError(res.message)
            after && after()
        } catch (e) {
            onError && onError(e.message)
        } finally {
            setBusy(false)
        }
    }
    return html`<button class=${`btn btn-${kind}`} disabled=${busy} title=${title || ''}
        onClick=${() => confirmAction(action, name, run)}>${label}</button>`
}

export const goTo = (path) => () => navigate(path)
