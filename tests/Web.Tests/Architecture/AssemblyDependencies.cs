using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace CivicContracting.Web.Tests.Architecture;

/// <summary>A type named in metadata: the assembly it lives in, its namespace and its full name (nested types with '+').</summary>
public sealed record TypeName(string Assembly, string Namespace, string FullName)
{
    public override string ToString() => $"{FullName} [{Assembly}]";
}

/// <summary>
/// One use of a type: <see cref="From"/> (a type of the scanned assembly; for a nested or compiler-generated type, the
/// top-level type it sits in, so lambdas and async state machines count for the type that wrote them) names
/// <see cref="To"/> in <see cref="Where"/> (a signature, a base type, an attribute, or an instruction of a method body).
/// </summary>
public sealed record TypeUse(TypeName From, TypeName To, string Where)
{
    public override string ToString() => $"{From.FullName} uses {To} in {Where}";
}

/// <summary>
/// Reads every type a compiled assembly names, from its metadata and IL rather than by reflection: reflection sees
/// public signatures only, and most uses of another assembly's types are inside method bodies (calls, field reads,
/// typeof, casts, locals). What the compiler removes leaves no trace and is not reported: a <c>const</c> of another
/// assembly is copied into the IL where it is used, and an unused expression such as <c>_ = typeof(T)</c> is dropped.
/// </summary>
public static class AssemblyDependencies
{
    // Operand types of every IL opcode, from the runtime's own table, so the scanner steps over operands correctly.
    private static readonly Dictionary<ushort, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => unchecked((ushort)o.Value), o => o.OperandType);

    public static IReadOnlyList<TypeUse> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        return new Scanner(pe).Scan();
    }

    private sealed class Scanner(PEReader pe)
    {
        private readonly MetadataReader _md = pe.GetMetadataReader();
        private readonly List<TypeUse> _uses = [];
        private readonly Dictionary<EntityHandle, TypeName> _names = [];
        private TypeName _from = null!;
        private string _where = "";

        private string SelfName => _md.GetString(_md.GetAssemblyDefinition().Name);

        public IReadOnlyList<TypeUse> Scan()
        {
            var provider = new Collector(this);
            foreach (var handle in _md.TypeDefinitions)
            {
                var type = _md.GetTypeDefinition(handle);
                _from = Name(Outermost(handle));
                var self = Name(handle).FullName;

                At($"{self} (base type)", () => Add(type.BaseType, provider));
                foreach (var implementation in type.GetInterfaceImplementations())
                    At($"{self} (interface)", () => Add(_md.GetInterfaceImplementation(implementation).Interface, provider));
                At($"{self} (attribute)", () => Attributes(type.GetCustomAttributes(), provider));
                At($"{self} (generic constraint)", () => Constraints(type.GetGenericParameters(), provider));

                foreach (var fieldHandle in type.GetFields())
                {
                    var field = _md.GetFieldDefinition(fieldHandle);
                    At($"{self}.{_md.GetString(field.Name)} (field)", () =>
                    {
                        field.DecodeSignature(provider, null);
                        Attributes(field.GetCustomAttributes(), provider);
                    });
                }
                foreach (var propertyHandle in type.GetProperties())
                {
                    var property = _md.GetPropertyDefinition(propertyHandle);
                    At($"{self}.{_md.GetString(property.Name)} (property)", () =>
                    {
                        property.DecodeSignature(provider, null);
                        Attributes(property.GetCustomAttributes(), provider);
                    });
                }
                foreach (var eventHandle in type.GetEvents())
                {
                    var @event = _md.GetEventDefinition(eventHandle);
                    At($"{self}.{_md.GetString(@event.Name)} (event)", () => Add(@event.Type, provider));
                }
                foreach (var implementation in type.GetMethodImplementations())
                {
                    var methodImplementation = _md.GetMethodImplementation(implementation);
                    At($"{self} (explicit implementation)", () => Add(methodImplementation.MethodDeclaration, provider));
                }
                foreach (var methodHandle in type.GetMethods())
                    Method(self, methodHandle, provider);
            }
            return _uses;
        }

        private void Method(string self, MethodDefinitionHandle handle, Collector provider)
        {
            var method = _md.GetMethodDefinition(handle);
            At($"{self}.{_md.GetString(method.Name)}", () =>
            {
                method.DecodeSignature(provider, null);
                Attributes(method.GetCustomAttributes(), provider);
                foreach (var parameter in method.GetParameters())
                    Attributes(_md.GetParameter(parameter).GetCustomAttributes(), provider);
                Constraints(method.GetGenericParameters(), provider);
                if (method.RelativeVirtualAddress == 0)
                    return;

                var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                if (!body.LocalSignature.IsNil)
                    _md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
                foreach (var region in body.ExceptionRegions)
                    Add(region.CatchType, provider);
                Instructions(body.GetILReader(), provider);
            });
        }

        private void Instructions(BlobReader il, Collector provider)
        {
            while (il.RemainingBytes > 0)
            {
                ushort code = il.ReadByte();
                if (code == 0xFE)
                    code = (ushort)(0xFE00 | il.ReadByte());
                switch (Operands[code])
                {
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    case OperandType.InlineSwitch:
                        var targets = il.ReadInt32(); // read first: `il.Offset += 4 * il.ReadInt32()` would add to the old offset
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType or OperandType.InlineSig:
                        Add(MetadataTokens.EntityHandle(il.ReadInt32()), provider);
                        break;
                    default: // InlineI, InlineBrTarget, ShortInlineR, InlineString: four bytes, no type.
                        il.Offset += 4;
                        break;
                }
            }
        }

        private void At(string where, Action read)
        {
            _where = where;
            try
            {
                read();
            }
            catch (BadImageFormatException exception)
            {
                throw new BadImageFormatException($"{SelfName}: could not read {where}: {exception.Message}", exception);
            }
        }

        private void Attributes(CustomAttributeHandleCollection attributes, Collector provider)
        {
            foreach (var attribute in attributes)
                Add(_md.GetCustomAttribute(attribute).Constructor, provider);
        }

        private void Constraints(GenericParameterHandleCollection parameters, Collector provider)
        {
            foreach (var parameter in parameters)
                foreach (var constraint in _md.GetGenericParameter(parameter).GetConstraints())
                    Add(_md.GetGenericParameterConstraint(constraint).Type, provider);
        }

        /// <summary>Records the types an entity names: a type, a member (its declaring type and signature), a signature.</summary>
        private void Add(EntityHandle handle, Collector provider)
        {
            if (handle.IsNil)
                return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition or HandleKind.TypeReference:
                    Use(Name(handle));
                    break;
                case HandleKind.TypeSpecification:
                    _md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(provider, null);
                    break;
                case HandleKind.MemberReference:
                    var member = _md.GetMemberReference((MemberReferenceHandle)handle);
                    Add(member.Parent, provider);
                    if (member.GetKind() == MemberReferenceKind.Method)
                        member.DecodeMethodSignature(provider, null);
                    else
                        member.DecodeFieldSignature(provider, null);
                    break;
                case HandleKind.MethodDefinition:
                    Use(Name(_md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()));
                    break;
                case HandleKind.FieldDefinition:
                    Use(Name(_md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()));
                    break;
                case HandleKind.MethodSpecification:
                    var specification = _md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Add(specification.Method, provider);
                    specification.DecodeSignature(provider, null);
                    break;
                case HandleKind.StandaloneSignature:
                    var signature = _md.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    if (signature.GetKind() == StandaloneSignatureKind.Method)
                        signature.DecodeMethodSignature(provider, null);
                    else
                        signature.DecodeLocalSignature(provider, null);
                    break;
                case HandleKind.MethodImplementation:
                    break;
            }
        }

        private void Use(TypeName to) => _uses.Add(new TypeUse(_from, to, _where));

        private TypeDefinitionHandle Outermost(TypeDefinitionHandle handle)
        {
            while (_md.GetTypeDefinition(handle).GetDeclaringType() is { IsNil: false } outer)
                handle = outer;
            return handle;
        }

        private TypeName Name(EntityHandle handle)
        {
            if (_names.TryGetValue(handle, out var known))
                return known;
            TypeName name;
            if (handle.Kind == HandleKind.TypeDefinition)
            {
                var type = _md.GetTypeDefinition((TypeDefinitionHandle)handle);
                var outer = type.GetDeclaringType();
                name = outer.IsNil
                    ? new TypeName(SelfName, _md.GetString(type.Namespace), Join(_md.GetString(type.Namespace), _md.GetString(type.Name)))
                    : Nested(Name(outer), _md.GetString(type.Name));
            }
            else
            {
                var type = _md.GetTypeReference((TypeReferenceHandle)handle);
                var scope = type.ResolutionScope;
                name = scope.Kind switch
                {
                    HandleKind.TypeReference => Nested(Name(scope), _md.GetString(type.Name)),
                    HandleKind.AssemblyReference => new TypeName(
                        _md.GetString(_md.GetAssemblyReference((AssemblyReferenceHandle)scope).Name),
                        _md.GetString(type.Namespace), Join(_md.GetString(type.Namespace), _md.GetString(type.Name))),
                    _ => new TypeName(SelfName, _md.GetString(type.Namespace), Join(_md.GetString(type.Namespace), _md.GetString(type.Name))),
                };
            }
            _names[handle] = name;
            return name;
        }

        private static TypeName Nested(TypeName outer, string name) => outer with { FullName = $"{outer.FullName}+{name}" };

        private static string Join(string ns, string name) => ns.Length == 0 ? name : $"{ns}.{name}";

        /// <summary>Decodes signatures; every type it meets is recorded as a use. The decoded value itself is not needed.</summary>
        private sealed class Collector(Scanner scanner) : ISignatureTypeProvider<bool, object?>
        {
            public bool GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Record(handle);

            public bool GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => Record(handle);

            public bool GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
            {
                scanner.Add(handle, this);
                return true;
            }

            private bool Record(EntityHandle handle)
            {
                scanner.Use(scanner.Name(handle));
                return true;
            }

            public bool GetPrimitiveType(PrimitiveTypeCode typeCode) => true;
            public bool GetSZArrayType(bool elementType) => true;
            public bool GetArrayType(bool elementType, ArrayShape shape) => true;
            public bool GetByReferenceType(bool elementType) => true;
            public bool GetPointerType(bool elementType) => true;
            public bool GetPinnedType(bool elementType) => true;
            public bool GetGenericInstantiation(bool genericType, ImmutableArray<bool> typeArguments) => true;
            public bool GetGenericTypeParameter(object? genericContext, int index) => true;
            public bool GetGenericMethodParameter(object? genericContext, int index) => true;
            public bool GetFunctionPointerType(MethodSignature<bool> signature) => true;
            public bool GetModifiedType(bool modifier, bool unmodifiedType, bool isRequired) => true;
        }
    }
}
