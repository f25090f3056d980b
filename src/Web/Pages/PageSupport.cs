using CivicContracting.Accounts;
using CivicContracting.Validation;
using CivicContracting.Web.Problems;
using CivicContracting.Web.Texts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace CivicContracting.Web.Pages;

/// <summary>What the pages of every feature share: turning the commands' refusals into form errors next to their fields.</summary>
public static class PageSupport
{
    /// <summary>A command's 401 or 403: the page answers with the site's 403 page, whatever the command said.</summary>
    public static bool IsAccessRefusal(ApiProblemException problem) =>
        problem.Status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden;

    /// <summary>A command's 429: the person's hourly budget of this kind of write is spent (WriteBudgets:*).</summary>
    public static bool IsWriteBudget(ApiProblemException problem) => problem.Status == StatusCodes.Status429TooManyRequests;

    /// <summary>The sentence a form shows for a spent write budget: which budget, and in how many minutes to try again.</summary>
    public static string WriteBudgetMessage(IStringLocalizer<SiteText> text, ApiProblemException problem)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling((problem.RetryAfter ?? TimeSpan.FromMinutes(1)).TotalMinutes));
        var key = problem.Write switch
        {
            BudgetedWrite.Draft => "WriteBudget.Drafts",
            BudgetedWrite.Confirmation => "WriteBudget.Confirmations",
            _ => "WriteBudget.Reports",
        };
        return text.Plural(key, minutes).Value;
    }

    /// <summary>A command's refusal as a page answer: 401 or 403 is the site's 403 page, 404 the not-found page.</summary>
    public static IActionResult Refusal(ApiProblemException problem) =>
        IsAccessRefusal(problem) ? new StatusCodeResult(StatusCodes.Status403Forbidden) : new NotFoundResult();

    public static void AddErrors(ModelStateDictionary modelState, IReadOnlyDictionary<string, string[]> errors, string fallback, IReadOnlyCollection<string> formFields, string prefix = "")
    {
        if (errors.Count == 0)
            modelState.AddModelError("", fallback);
        foreach (var (field, messages) in errors)
        {
            var key = formFields.Contains(field, StringComparer.OrdinalIgnoreCase) ? prefix + field : "";
            foreach (var message in messages)
                modelState.AddModelError(key, key.Length == 0 && field.Length > 0 && field != ApiProblems.BodyField ? $"{field}: {message}" : message);
        }
    }

    public static void AddErrors(ModelStateDictionary modelState, ApiProblemException problem, IReadOnlyCollection<string> formFields, string prefix = "") =>
        AddErrors(modelState, problem.Errors, problem.Message, formFields, prefix);

    public static void AddErrors(ModelStateDictionary modelState, InputRejectedException rejected, IReadOnlyCollection<string> formFields, string prefix = "") =>
        AddErrors(modelState, rejected.Errors, rejected.Message, formFields, prefix);
}
