// Whole-page states before there is anything else to show: loading, or a failure with a way out.

export function FullPageLoading({ label }: { label: string }) {
  return (
    <main id="main" className="full-page" aria-busy="true">
      <p role="status" className="loading">
        <span className="spinner" aria-hidden="true" />
        {label}
      </p>
    </main>
  );
}

export function FullPageError({ title, message, onRetry }: { title: string; message: string; onRetry: () => void }) {
  return (
    <main id="main" className="full-page">
      <div className="card error-card" role="alert">
        <h1>{title}</h1>
        <p>{message}</p>
        <button type="button" className="button button-primary" onClick={onRetry}>
          Retry
        </button>
      </div>
    </main>
  );
}
