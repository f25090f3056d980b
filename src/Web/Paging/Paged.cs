using CivicContracting.Web.Problems;

namespace CivicContracting.Web.Paging;

/// <summary>One page of a list: <c>?page=1&amp;pageSize=20</c>, at most <see cref="PageRequest.MaxPageSize"/> items.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalItems, int TotalPages)
{
    /// <summary>The same page with its items turned into something else (e.g. enriched with grain data).</summary>
    public Paged<TResult> With<TResult>(IReadOnlyList<TResult> items) => new(items, Page, PageSize, TotalItems, TotalPages);
}

public readonly record struct PageRequest(int Page, int PageSize)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>Checks the query values; a page past the end is valid and empty.</summary>
    public static PageRequest From(int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (page is < 1)
            errors["page"] = ["Pages are numbered from 1."];
        if (pageSize is < 1 or > MaxPageSize)
            errors["pageSize"] = [$"Must be 1 to {MaxPageSize}."];
        if (errors.Count > 0)
            throw ApiProblems.Invalid(errors);
        return new PageRequest(page ?? 1, pageSize ?? DefaultPageSize);
    }

    public int Skip => (int)Math.Min(int.MaxValue, (long)(Page - 1) * PageSize);

    /// <summary>Pages an already ordered list.</summary>
    public Paged<T> Apply<T>(IReadOnlyList<T> all) => Of(all.Skip(Skip).Take(PageSize).ToList(), all.Count);

    /// <summary>Wraps the items of this page, given the total count.</summary>
    public Paged<T> Of<T>(IReadOnlyList<T> items, int totalItems) =>
        new(items, Page, PageSize, totalItems, (totalItems + PageSize - 1) / PageSize);
}
