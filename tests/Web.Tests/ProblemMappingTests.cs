using CivicContracting.Validation;
using CivicContracting.Web.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CivicContracting.Web.Tests;

/// <summary>How failures become problem+json, without a running app.</summary>
public sealed class ProblemMappingTests
{
    [Fact]
    public void An_unexpected_exception_is_a_500_that_reveals_nothing_of_it()
    {
        var problem = ApiExceptionHandler.ToProblem(new InvalidOperationException("connection string Password=hunter2 at line 42"));
        Assert.Equal(500, problem.Status);
        Assert.DoesNotContain("hunter2", problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Grain_exceptions_map_to_400_409_and_404()
    {
        var rejected = ApiExceptionHandler.ToProblem(new InputRejectedException("terms.target.target", "Must differ from the baseline."));
        Assert.Equal(400, rejected.Status);
        Assert.Equal(["Must differ from the baseline."], Assert.IsType<HttpValidationProblemDetails>(rejected).Errors["terms.target.target"]);
        Assert.Contains("terms.target.target", rejected.Detail, StringComparison.Ordinal);

        Assert.Equal(409, ApiExceptionHandler.ToProblem(new StateConflictException("Only a draft can be confirmed.")).Status);
        Assert.Equal(404, ApiExceptionHandler.ToProblem(new KeyNotFoundException("Commitment 'x' does not exist.")).Status);
        Assert.Equal(503, ApiExceptionHandler.ToProblem(new TimeoutException()).Status);
    }

    [Fact]
    public void A_query_value_of_the_wrong_type_names_the_parameter()
    {
        var problem = ApiExceptionHandler.ToProblem(new BadHttpRequestException("Failed to bind parameter \"Nullable<int> pageSize\" from \"lots\"."));
        var errors = Assert.IsType<HttpValidationProblemDetails>(problem).Errors;
        Assert.Equal(["'lots' is not a whole number."], errors["pageSize"]);
    }
}
