using CivicContracting.Web.OpenData;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CivicContracting.Web.Pages;

/// <summary>The open-data page: the datasets with their downloads per format, their columns, the licence and the catalogue.</summary>
public sealed class OpenDataModel(IOptions<OpenDataOptions> options) : PageModel
{
    public OpenDataOptions Licence { get; } = options.Value;

    public IReadOnlyList<OpenDataDataset> Datasets => OpenDataDatasets.All;

    /// <summary>The site texts of a dataset's title and description.</summary>
    public static (string Title, string Description) TextKeys(OpenDataDataset dataset) => dataset.Name switch
    {
        "goals" => ("OpenData.Goals", "OpenData.Goals.Description"),
        "commitments" => ("OpenData.Commitments", "OpenData.Commitments.Description"),
        "reports" => ("OpenData.Reports", "OpenData.Reports.Description"),
        "places" => ("OpenData.Places", "OpenData.Places.Description"),
        _ => ("OpenData.Sessions", "OpenData.Sessions.Description"),
    };

    /// <summary>The site text of a column's type.</summary>
    public static string TypeKey(ColumnType type) => type switch
    {
        ColumnType.Text => "OpenData.Type.Text",
        ColumnType.Integer => "OpenData.Type.Integer",
        ColumnType.Number => "OpenData.Type.Number",
        ColumnType.Boolean => "OpenData.Type.Boolean",
        ColumnType.DateTime => "OpenData.Type.DateTime",
        ColumnType.Date => "OpenData.Type.Date",
        _ => "OpenData.Type.List",
    };

    public void OnGet()
    {
    }
}
